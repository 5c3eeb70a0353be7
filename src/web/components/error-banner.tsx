import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../error-text.js';

/** A failure that belongs to no single field; announced at once (role=alert). */
export function ErrorBanner({ error, message }: { error?: unknown; message?: string | null }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const text = message ?? (error ? errorText(error) : null);
  if (!text) return null;
  return (
    <div className="banner banner-error" role="alert">
      {/* The title carries its language's colon: ':' and a space in English, '：' in Chinese. */}
      <strong>{t('common.errorTitle')}</strong>
      {text}
    </div>
  );
}

/** A success or progress note, announced politely (role=status). */
export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="banner banner-ok" role="status">
      {children}
    </div>
  );
}
