import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useMeta } from '../meta.js';
import { useTitle } from '../use-title.js';

const SERVICES = [
  { to: '/rules', title: 'portal.rules', desc: 'portal.rulesDesc' },
  { to: '/my-consents', title: 'portal.myConsents', desc: 'portal.myConsentsDesc' },
  { to: '/requests', title: 'portal.requests', desc: 'portal.requestsDesc' },
  { to: '/reports', title: 'portal.reports', desc: 'portal.reportsDesc' },
] as const;

export function LandingPage() {
  const { t } = useTranslation();
  const { meta } = useMeta();
  useTitle(t('portal.tagline'));
  const provider = meta?.providerName ?? '';
  return (
    <>
      <section className="portal-hero">
        <p className="tagline">{t('portal.tagline')}</p>
        <h1>{provider || '…'}</h1>
        <p className="lead">{t('portal.intro', { provider })}</p>
      </section>
      <ul className="cards portal-links">
        {SERVICES.map((s) => (
          <li key={s.to} className="card">
            <h2>
              <Link to={s.to}>{t(s.title)}</Link>
            </h2>
            <p>{t(s.desc)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
