import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useDateTime } from './format.js';
import { useRuleText, type Category, type PublishedPurpose, type PublishedRules } from './rules-data.js';

/** Links to one version as a standalone document, HTML or PDF, in the reader's language. */
export function RulesDownloads({ version }: { version: number | 'current' }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  const base = version === 'current' ? '/api/v1/rules/current' : `/api/v1/rules/versions/${version}`;
  return (
    <p className="rules-downloads">
      {t('publicRules.download')}{' '}
      <a href={`${base}/export?format=html&lang=${lang}`} download>
        {t('publicRules.downloadHtml')}
      </a>{' '}
      ·{' '}
      <a href={`${base}/export?format=pdf&lang=${lang}`} download>
        {t('publicRules.downloadPdf')}
      </a>
    </p>
  );
}

/**
 * The text of one version: provider, version, and every purpose with its checklists; then the under-14
 * section, rights, the protection officer and complaints (NDSR 21). The portal shows published versions with
 * it, and the console a publication's preview.
 */
export function RulesBody({ rules }: { rules: PublishedRules }) {
  const { t } = useTranslation();
  const dt = useDateTime();
  const minors = rules.purposes.filter((p) => p.minors);
  const org = rules.organisation;
  return (
    <>
      <p className="lead">{t('publicRules.intro', { provider: org.providerName })}</p>
      <p className="rules-version">
        <strong>{t('publicRules.version', { version: rules.version })}</strong> ·{' '}
        {t('publicRules.effective', { date: dt(rules.effectiveAt) })} ·{' '}
        {t('publicRules.published', { date: dt(rules.publishedAt) })}
      </p>
      <section aria-labelledby="rules-purposes">
        <h2 id="rules-purposes">{t('publicRules.purposes')}</h2>
        {rules.purposes.length ? null : <p>{t('publicRules.noPurposes')}</p>}
        {rules.purposes.map((p) => (
          <PurposeSection key={p.key} purpose={p} categories={rules.categories} />
        ))}
      </section>
      <section aria-labelledby="rules-minors" className="panel rules-minors">
        <h2 id="rules-minors">{t('publicRules.minorsTitle')}</h2>
        {minors.length ? (
          <>
            <p>{t('publicRules.minorsIntro')}</p>
            <ul>
              {minors.map((p) => (
                <li key={p.key}>
                  <a href={`#purpose-${p.key}`}>
                    <PurposeName purpose={p} categories={rules.categories} />
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t('publicRules.minorsNone')}</p>
        )}
      </section>
      <section aria-labelledby="rules-rights">
        <h2 id="rules-rights">{t('publicRules.rightsTitle')}</h2>
        <p>{t('publicRules.rightsIntro')}</p>
        <p>
          <Link to="/requests">{t('publicRules.rightsLink')}</Link>
        </p>
      </section>
      <section aria-labelledby="rules-officer">
        <h2 id="rules-officer">{t('publicRules.officerTitle')}</h2>
        {org.officerContact ? (
          <p>{t('publicRules.officerContact', { contact: org.officerContact })}</p>
        ) : (
          <p>
            {t('publicRules.officerNone')} <Link to="/requests">{t('publicRules.officerLink')}</Link>
          </p>
        )}
      </section>
      <section aria-labelledby="rules-complaint">
        <h2 id="rules-complaint">{t('publicRules.complaintTitle')}</h2>
        <p>{t('publicRules.complaintIntro')}</p>
        {org.complaintChannel ? <p>{org.complaintChannel}</p> : null}
        <p>{t('publicRules.complaintAuthority')}</p>
        <p>
          <Link to="/reports">{t('publicRules.complaintLink')}</Link>
        </p>
      </section>
      <p className="rules-hash">{t('publicRules.fingerprint', { sha: rules.sha256 })}</p>
    </>
  );
}

function PurposeName({ purpose, categories }: { purpose: PublishedPurpose; categories: Category[] }) {
  const text = useRuleText(categories);
  return <>{text.name(purpose)}</>;
}

function PurposeSection({ purpose: p, categories }: { purpose: PublishedPurpose; categories: Category[] }) {
  const { t } = useTranslation();
  const text = useRuleText(categories);
  const id = `purpose-${p.key}`;
  const sensitive = p.categories.filter(text.sensitive);
  // The English rules read the English statement where one was written; each language falls back on the other.
  const necessity = text.zh ? p.necessity || p.necessityEn : p.necessityEn || p.necessity;
  return (
    <section className="panel rules-purpose" id={id} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{text.name(p)}</h3>
      <p>{text.description(p)}</p>
      <dl className="facts">
        <dt>{t('publicRules.legalBasis')}</dt>
        <dd>{t(`rulesText.legalBasis.${p.legalBasis}`)}</dd>
        <dt>{t('publicRules.collected')}</dt>
        <dd>
          <ul className="checklist" aria-label={t('publicRules.collected')}>
            {p.categories.map((c) => (
              <li key={c}>
                {text.category(c)}
                {text.sensitive(c) ? (
                  <>
                    {' '}
                    <span className="badge badge-warn">{t('rulesText.sensitive')}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </dd>
        {necessity && (sensitive.length || p.recipients.some((r) => r.kind === 'third_party')) ? (
          <>
            <dt>{t('publicRules.sensitiveWhy')}</dt>
            <dd>{necessity}</dd>
          </>
        ) : null}
        <dt>{t('publicRules.methods')}</dt>
        <dd>{p.methods.map((m) => t(`rulesText.method.${m}`)).join(t('publicRules.listSeparator'))}</dd>
        <dt>{t('publicRules.retention')}</dt>
        <dd>
          {t('publicRules.retentionText', {
            days: p.retentionDays,
            action: t(`rulesText.retentionAction.${p.retentionAction}`),
          })}
        </dd>
        <dt>{t('publicRules.recipients')}</dt>
        <dd>
          {p.recipients.length ? (
            <ul className="checklist" aria-label={t('publicRules.recipients')}>
              {p.recipients.map((r, i) => (
                <li key={i}>
                  <strong>{text.zh ? r.name : r.nameEn || r.name}</strong> ({t(`rulesText.kind.${r.kind}`)})
                  <br />
                  {t('publicRules.recipientPurpose', {
                    purpose: text.zh ? r.purpose : r.purposeEn || r.purpose,
                  })}
                  {r.categories.length ? (
                    <>
                      <br />
                      {t('publicRules.recipientCategories', {
                        categories: r.categories.map(text.category).join(t('publicRules.listSeparator')),
                      })}
                    </>
                  ) : null}
                  {r.contract ? (
                    <>
                      <br />
                      {t('publicRules.recipientContract', { contract: r.contract })}
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            t('publicRules.noRecipients')
          )}
        </dd>
        {p.crossBorder.length ? (
          <>
            <dt>{t('publicRules.crossBorder')}</dt>
            <dd>
              <ul>
                {p.crossBorder.map((c, i) => (
                  <li key={i}>
                    {t('publicRules.crossBorderRow', {
                      recipient: text.zh ? c.recipient : c.recipientEn || c.recipient,
                      destination: text.zh ? c.destination : c.destinationEn || c.destination,
                      mechanism: t(`rulesText.mechanism.${c.mechanism}`),
                    })}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      {p.publicDisclosure ? <p>{t('publicRules.publicDisclosure')}</p> : null}
      {p.minors ? (
        <p>
          <span className="badge badge-warn">{t('publicRules.minorsTitle')}</span>
        </p>
      ) : null}
    </section>
  );
}
