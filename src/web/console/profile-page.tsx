import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../api.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { PasswordField } from '../components/form-field.js';
import { FormActions, FormPanel } from '../components/form-panel.js';
import { useSubmit } from '../use-submit.js';
import { useSignedIn } from '../session.js';
import { useTitle } from '../use-title.js';
import { TotpEnrol } from './totp-enrol.js';
import { useRoles } from './use-roles.js';

/** My account: password, two-factor authentication, signing out everywhere. */
export function ProfilePage() {
  const { t } = useTranslation();
  useTitle(t('profile.title'));
  const { user, refresh, signOut } = useSignedIn();
  const roles = useRoles();
  const navigate = useNavigate();
  const [totpNotice, setTotpNotice] = useState<string | null>(null);

  const logoutAll = async () => {
    navigate('/console', { replace: true, state: { signedOut: true } });
    await signOut(true).catch(() => null);
  };

  return (
    <div className="page">
      <h1>{t('profile.title')}</h1>
      <section className="panel" aria-labelledby="profile-account">
        <h2 id="profile-account">{t('profile.account')}</h2>
        <dl className="facts">
          <dt>{t('profile.username')}</dt>
          <dd className="mono">{user.username}</dd>
          <dt>{t('users.displayName')}</dt>
          <dd>{user.displayName}</dd>
          <dt>{t('profile.role')}</dt>
          <dd>{roles.label(user.role)}</dd>
        </dl>
      </section>

      <ChangePassword />

      <section className="panel" aria-labelledby="profile-totp">
        <h2 id="profile-totp">{t('totp.title')}</h2>
        <Notice>{totpNotice}</Notice>
        {user.totpEnabled ? (
          <>
            <p>{t('totp.enabled')}</p>
            <DisableTotp
              onDone={async () => {
                setTotpNotice(t('totp.disabled'));
                await refresh();
              }}
            />
          </>
        ) : (
          <>
            <p>{t('totp.off')}</p>
            <TotpEnrol
              onEnabled={async () => {
                setTotpNotice(t('totp.enabled'));
                await refresh();
              }}
            />
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="profile-sessions">
        <h2 id="profile-sessions">{t('profile.sessionsTitle')}</h2>
        <p>{t('profile.sessionsIntro')}</p>
        <button type="button" className="button button-danger" onClick={logoutAll}>
          {t('profile.logoutAll')}
        </button>
      </section>
    </div>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const { errors, busy, run } = useSubmit(['currentPassword', 'newPassword']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setDone(false);
    if (next !== confirm) return errors.set('confirm', t('profile.mismatch'));
    await run(async () => {
      await call(
        api.POST('/api/v1/profile/password', { body: { currentPassword: current, newPassword: next } }),
      );
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    });
  };

  return (
    <FormPanel
      titleId="profile-password"
      title={t('profile.passwordTitle')}
      intro={done ? <Notice>{t('profile.passwordChanged')}</Notice> : null}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('profile.changePassword')}
      busy={busy}
    >
      <div className="form-grid">
        <PasswordField
          kind="current"
          label={t('profile.currentPassword')}
          value={current}
          onChange={setCurrent}
          error={errors.field('currentPassword')}
        />
        <PasswordField
          kind="new"
          label={t('profile.newPassword')}
          hint={t('profile.passwordHint')}
          value={next}
          onChange={setNext}
          error={errors.field('newPassword')}
        />
        <PasswordField
          kind="new"
          label={t('profile.confirmPassword')}
          value={confirm}
          onChange={setConfirm}
          error={errors.field('confirm')}
        />
      </div>
    </FormPanel>
  );
}

function DisableTotp({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const { errors, busy, run } = useSubmit(['password']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      await call(api.POST('/api/v1/profile/totp/disable', { body: { password } }));
      setPassword('');
      await onDone();
    });
  };

  return (
    <form onSubmit={submit}>
      <ErrorBanner message={errors.banner} />
      <div className="form-grid">
        <PasswordField
          kind="current"
          label={t('totp.disablePassword')}
          value={password}
          onChange={setPassword}
          error={errors.field('password')}
        />
      </div>
      <FormActions submitLabel={t('totp.disable')} submitClassName="button button-danger" busy={busy} />
    </form>
  );
}
