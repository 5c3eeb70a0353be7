import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../api.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PasswordField, TextField, UsernameField } from '../components/form-field.js';
import { FormActions } from '../components/form-panel.js';
import { useSubmit } from '../use-submit.js';
import { useMeta } from '../meta.js';
import { useSession } from '../session.js';
import { useTitle } from '../use-title.js';
import { AuthShell } from './auth-shell.js';

/** First start: create the first administrator, who is signed in at once. */
export function SetupPage() {
  const { t } = useTranslation();
  useTitle(t('setup.title'));
  const { reload } = useMeta();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { errors, busy, run } = useSubmit(['username', 'displayName', 'password']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (password !== confirm) return errors.set('confirm', t('setup.mismatch'));
    await run(
      async () => {
        const body = await call(
          api.POST('/api/v1/setup', { body: { username, password, displayName: displayName || undefined } }),
        );
        signedIn(body);
        await reload();
        navigate('/console', { replace: true });
      },
      {
        showError: async (err) => {
          errors.show(err);
          // Someone else finished setup meanwhile: the sign-in page is what remains.
          await reload();
        },
      },
    );
  };

  return (
    <AuthShell title={t('setup.title')}>
      <p>{t('setup.intro')}</p>
      <ErrorBanner message={errors.banner} />
      <form onSubmit={submit}>
        <UsernameField
          label={t('setup.username')}
          hint={t('setup.usernameHint')}
          value={username}
          onChange={setUsername}
          error={errors.field('username')}
          autoFocus
          autoComplete="username"
          minLength={3}
          maxLength={64}
        />
        <TextField
          label={t('setup.displayName')}
          value={displayName}
          onChange={setDisplayName}
          error={errors.field('displayName')}
          autoComplete="name"
          maxLength={100}
        />
        <PasswordField
          kind="new"
          label={t('setup.password')}
          hint={t('setup.passwordHint')}
          value={password}
          onChange={setPassword}
          error={errors.field('password')}
        />
        <PasswordField
          kind="new"
          label={t('setup.confirmPassword')}
          value={confirm}
          onChange={setConfirm}
          error={errors.field('confirm')}
        />
        <FormActions submitLabel={t('setup.submit')} busy={busy} />
      </form>
    </AuthShell>
  );
}
