import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { ErrorBanner } from '../components/error-banner.js';
import { OneTimeCodeField, TextField } from '../components/form-field.js';
import { FormActions } from '../components/form-panel.js';
import { useSubmit } from '../use-submit.js';

/**
 * Two-factor enrolment: a new secret for the authenticator app (shown as text and as an otpauth URI),
 * then a code from the app to prove it works.
 */
export function TotpEnrol({ onEnabled }: { onEnabled: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const uriId = useId();
  const [secret, setSecret] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const { errors, busy, run } = useSubmit(['code']);

  const start = async () => {
    errors.clear();
    await run(async () => {
      setSecret(await call(api.POST('/api/v1/profile/totp/setup')));
    });
  };

  const enable = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      await call(api.POST('/api/v1/profile/totp/enable', { body: { code } }));
      await onEnabled();
    });
  };

  return (
    <div className="totp-enrol">
      <p>{t('totp.intro')}</p>
      <ErrorBanner message={errors.banner} />
      {!secret ? (
        <button type="button" className="button button-primary" onClick={start} disabled={busy}>
          {t('totp.start')}
        </button>
      ) : (
        <form onSubmit={enable}>
          <TextField
            label={t('totp.secret')}
            value={secret.secret}
            onChange={() => {}}
            readOnly
            className="mono"
          />
          <div className="field">
            <label htmlFor={uriId}>{t('totp.uri')}</label>
            <textarea id={uriId} className="mono" readOnly rows={3} value={secret.uri} />
          </div>
          <OneTimeCodeField
            label={t('totp.code')}
            hint={t('totp.codeHint')}
            value={code}
            onChange={setCode}
            error={errors.field('code')}
          />
          <FormActions submitLabel={t('totp.enable')} busy={busy} />
        </form>
      )}
    </div>
  );
}
