import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { api, ApiError, call } from '../api.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { OneTimeCodeField, PasswordField, UsernameField } from '../components/form-field.js';
import { FormActions } from '../components/form-panel.js';
import { useErrorText } from '../error-text.js';
import { useSubmit } from '../use-submit.js';
import { useSession } from '../session.js';
import { useTitle } from '../use-title.js';
import { AuthShell } from './auth-shell.js';

/** Username and password; when the account has two-factor authentication, a second step asks for the code. */
export function LoginPage() {
  const { t } = useTranslation();
  useTitle(t('login.title'));
  const { signedIn, lost } = useSession();
  const location = useLocation();
  const errorText = useErrorText();
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const { errors, busy, run } = useSubmit(['username', 'password', 'totp']);
  const signedOut = (location.state as { signedOut?: boolean } | null)?.signedOut;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(
      async () => {
        const body = await call(
          api.POST('/api/v1/auth/login', {
            body: { username, password, totp: step === 'totp' ? totp : undefined },
          }),
        );
        signedIn(body);
      },
      {
        showError: (err) => {
          if (err instanceof ApiError && err.code === 'totp_required') {
            setStep('totp');
          } else if (err instanceof ApiError && err.code === 'invalid_totp') {
            setTotp('');
            errors.set('totp', errorText(err));
          } else {
            errors.show(err);
          }
        },
      },
    );
  };

  const startOver = () => {
    errors.clear();
    setStep('password');
    setPassword('');
    setTotp('');
  };

  return (
    <AuthShell title={t('login.title')}>
      {lost ? (
        <Notice>{t('errors.unauthorized')}</Notice>
      ) : signedOut ? (
        <Notice>{t('login.signedOut')}</Notice>
      ) : null}
      <ErrorBanner message={errors.banner} />
      <form onSubmit={submit}>
        {step === 'password' ? (
          <>
            <UsernameField
              label={t('login.username')}
              value={username}
              onChange={setUsername}
              error={errors.field('username')}
              autoFocus
              autoComplete="username"
            />
            <PasswordField
              kind="current"
              label={t('login.password')}
              value={password}
              onChange={setPassword}
              error={errors.field('password')}
            />
          </>
        ) : (
          <>
            <p>{t('login.totpIntro')}</p>
            <OneTimeCodeField
              label={t('login.totp')}
              hint={t('login.totpHint')}
              value={totp}
              onChange={setTotp}
              error={errors.field('totp')}
              autoFocus
            />
          </>
        )}
        <FormActions submitLabel={step === 'password' ? t('login.submit') : t('login.verify')} busy={busy}>
          {step === 'totp' ? (
            <button type="button" className="button button-link" onClick={startOver}>
              {t('login.startOver')}
            </button>
          ) : null}
        </FormActions>
      </form>
    </AuthShell>
  );
}
