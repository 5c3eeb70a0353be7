import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet } from 'react-router-dom';
import { LanguageSwitch } from '../components/language-switch.js';
import { useMeta } from '../meta.js';

/** The citizens' portal: provider name, three services, language switch. */
export function PortalLayout() {
  const { t } = useTranslation();
  const { meta } = useMeta();
  const provider = meta?.providerName ?? '';
  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="portal-top">
        <div className="portal-top-inner">
          <Link to="/" className="portal-brand">
            {provider || '…'}
          </Link>
          <nav className="portal-nav" aria-label={t('portal.label')}>
            <ul>
              <li>
                <NavLink to="/rules">{t('portal.rules')}</NavLink>
              </li>
              <li>
                <NavLink to="/my-consents">{t('portal.myConsents')}</NavLink>
              </li>
              <li>
                <NavLink to="/requests">{t('portal.requests')}</NavLink>
              </li>
              <li>
                <NavLink to="/reports">{t('portal.reports')}</NavLink>
              </li>
            </ul>
          </nav>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" className="portal-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="portal-footer">
        <div className="portal-footer-inner">
          <span>{provider ? t('portal.footer', { provider }) : null}</span>
          <a href="/console">{t('portal.staff')}</a>
        </div>
      </footer>
    </div>
  );
}
