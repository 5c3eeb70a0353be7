import { useTranslation } from 'react-i18next';
import { ApiError } from './api.js';

/**
 * Turns a failure into words for the reader. English readers get the server's own message (it is precise,
 * e.g. which password rule failed); Chinese readers get the translation of its stable code when there is one.
 */
export function useErrorText(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  return (err) => {
    if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
    const key = `errors.${err.code}`;
    const translated = i18n.exists(key) ? t(key, { field: err.field ?? '' }) : null;
    if (err.code === 'network' || err.status >= 500) return translated ?? err.message;
    if (i18n.language.startsWith('en')) return err.message || translated || err.code;
    return translated ?? err.message;
  };
}
