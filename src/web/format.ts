import { useTranslation } from 'react-i18next';

/** Formats server timestamps (ISO 8601, UTC) in the reader's language and time zone. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' });
  return (iso) => {
    if (!iso) return t('common.none');
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : fmt.format(d);
  };
}
