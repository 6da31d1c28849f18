import { Button } from 'antd';
import { useI18n } from '../i18n/i18n.js';

/** Switches the pages between Chinese and English; the button names the other language in that language. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const next = locale === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <Button type="text" lang={next} onClick={() => setLocale(next)} className="zcd-language-switch">
      {t('shell.switchLanguage')}
    </Button>
  );
}
