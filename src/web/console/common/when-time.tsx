import { useI18n } from '../../shared/i18n/i18n.js';
import { momentParts } from './when.js';

/** A moment as a `<time>` whose date and time of day each stay on one line in a narrow column. */
export function When({ iso }: { iso: string }) {
  const { locale } = useI18n();
  const [date, time] = momentParts(iso, locale);
  return (
    <time dateTime={iso}>
      <span className="zcd-nowrap">{date}</span> <span className="zcd-nowrap">{time}</span>
    </time>
  );
}
