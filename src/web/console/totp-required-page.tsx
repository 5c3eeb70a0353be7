import { useTranslation } from 'react-i18next';
import { Notice } from '../components/error-banner.js';
import { useSession } from '../session.js';
import { useTitle } from '../use-title.js';
import { AuthShell } from './auth-shell.js';
import { TotpEnrol } from './totp-enrol.js';

/** An administrator without two-factor authentication can do nothing else until it is set up. */
export function TotpRequiredPage() {
  const { t } = useTranslation();
  useTitle(t('totp.title'));
  const { refresh, signOut } = useSession();
  return (
    <AuthShell title={t('totp.title')}>
      <Notice>{t('totp.required')}</Notice>
      <TotpEnrol onEnabled={refresh} />
      <p className="form-actions">
        <button type="button" className="button button-link" onClick={() => void signOut()}>
          {t('nav.signOut')}
        </button>
      </p>
    </AuthShell>
  );
}
