import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { LanguageSwitch } from '../components/language-switch.js';
import { useMeta } from '../meta.js';
import { useSignedIn } from '../session.js';

const NAV = [
  { to: '/console', key: 'nav.home', end: true },
  { to: '/console/subjects', key: 'nav.subjects', permission: 'subjects:read' },
  { to: '/console/cases', key: 'nav.cases', permission: 'cases:read' },
  { to: '/console/rule-sets', key: 'nav.ruleSets', permission: 'rulesets:read' },
  { to: '/console/reports', key: 'nav.reports', permission: 'reports:read' },
  { to: '/console/purposes', key: 'nav.purposes', permission: 'purposes:read' },
  { to: '/console/consents', key: 'nav.consents', permission: 'consents:read' },
  { to: '/console/retention', key: 'nav.retention', permission: 'retention:read' },
  { to: '/console/consent-rates', key: 'nav.consentRates', permission: 'consents:read' },
  { to: '/console/users', key: 'nav.users', permission: 'users:read' },
  { to: '/console/api-keys', key: 'nav.apiKeys', permission: 'apikeys:read' },
  { to: '/console/audit', key: 'nav.audit', permission: 'audit:read' },
  { to: '/console/jobs', key: 'nav.jobs', permission: 'jobs:read' },
  { to: '/console/webhooks', key: 'nav.webhooks', permission: 'webhooks:read' },
  { to: '/console/outbox', key: 'nav.outbox', permission: 'outbox:read' },
] as const;

/** Top bar and side navigation; on a phone the navigation folds behind a menu button. */
export function ConsoleLayout() {
  const { t } = useTranslation();
  const { meta } = useMeta();
  const { user, can, signOut } = useSignedIn();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const main = useRef<HTMLElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const first = useRef(true);

  // A new page: close the phone menu and move focus to the content, as a full page load would.
  useEffect(() => {
    setOpen(false);
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [location.pathname]);

  const logout = async () => {
    navigate('/console', { replace: true, state: { signedOut: true } });
    await signOut().catch(() => null);
  };

  return (
    <div className="console">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <button
          ref={toggle}
          type="button"
          className="nav-toggle"
          aria-expanded={open}
          aria-controls="console-nav"
          onClick={() => setOpen((o) => !o)}
        >
          <span className="nav-toggle-icon" aria-hidden="true" />
          {t('nav.menu')}
        </button>
        <Link to="/console" className="brand">
          {meta?.providerName ?? 'Custodian'}
          <span className="brand-sub">{t('nav.console')}</span>
        </Link>
        <div className="topbar-end">
          <LanguageSwitch />
        </div>
      </header>
      <div className="console-body">
        <nav
          id="console-nav"
          className={`sidenav${open ? ' open' : ''}`}
          aria-label={t('nav.label')}
          onKeyDown={(e) => {
            // Escape folds the phone menu and returns to its button, as with any disclosure.
            if (e.key === 'Escape' && open) {
              setOpen(false);
              toggle.current?.focus();
            }
          }}
        >
          <ul>
            {NAV.filter((n) => !('permission' in n) || can(n.permission)).map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={'end' in n ? n.end : false}>
                  {t(n.key)}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="sidenav-user">
            <p className="whoami">{t('nav.signedInAs', { name: user.displayName || user.username })}</p>
            <ul>
              <li>
                <NavLink to="/console/profile">{t('nav.profile')}</NavLink>
              </li>
              <li>
                <button type="button" className="nav-button" onClick={logout}>
                  {t('nav.signOut')}
                </button>
              </li>
            </ul>
          </div>
        </nav>
        <main id="main" ref={main} tabIndex={-1} className="console-main">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
