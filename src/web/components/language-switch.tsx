import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES, setLanguage, type Language } from '../i18n/index.js';

const NAMES: Record<Language, { label: string; lang: string }> = {
  'zh-CN': { label: '中文', lang: 'zh-CN' },
  en: { label: 'English', lang: 'en' },
};

/** Two buttons, each named in its own language so a reader who cannot read the current one still finds theirs. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const current = currentLanguage();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={NAMES[l].lang}
          aria-pressed={current === l}
          onClick={() => setLanguage(l)}
        >
          {NAMES[l].label}
        </button>
      ))}
    </div>
  );
}
