import { useId } from 'react';
import { useI18n } from '../../shared/i18n/i18n.js';

/** Years offered before the current one: the statistics and reports reach back this far. */
const YEARS_BACK = 9;

/** The current month in China Standard Time, `YYYY-MM`. */
const thisMonth = (now: number) => new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);

/**
 * A month as two lists, year and month (`YYYY-MM` in and out). Every browser shows them the same way, in the
 * page's language, and a phone opens its own picker for each; `<input type="month">` is a plain text box in
 * some desktop browsers and follows the browser's language, not the page's, in the others.
 */
export function MonthField({ label, value, onChange, now = Date.now() }: { label: string; value: string; onChange: (month: string) => void; now?: number }) {
  const { t } = useI18n();
  const id = useId();
  const [year, month] = value.split('-') as [string, string];
  const last = Number(thisMonth(now).slice(0, 4));
  const years = Array.from({ length: YEARS_BACK + 1 }, (_, i) => last - i);
  if (!years.includes(Number(year))) years.push(Number(year));
  return (
    <div role="group" aria-labelledby={id} className="zcd-dash-month">
      <span id={id} className="zcd-dash-label">
        {label}
      </span>
      <span className="zcd-month-field">
        <select aria-label={t('month.yearOf', { field: label })} value={year} onChange={(e) => onChange(`${e.target.value}-${month}`)}>
          {years.map((y) => (
            <option key={y} value={String(y)}>
              {t('month.year', { y })}
            </option>
          ))}
        </select>
        <select aria-label={t('month.monthOf', { field: label })} value={month} onChange={(e) => onChange(`${year}-${e.target.value}`)}>
          {Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0')).map((m) => (
            <option key={m} value={m}>
              {t('month.month', { m: Number(m) })}
            </option>
          ))}
        </select>
      </span>
    </div>
  );
}
