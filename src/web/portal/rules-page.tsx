import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, call } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { SelectField } from '../components/form-field.js';
import { Loading } from '../components/loading.js';
import { useDateTime } from '../format.js';
import { useMeta } from '../meta.js';
import { diffRules, useRuleText, type PublishedPurpose, type PublishedRules } from '../rules-data.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

/** The collection-and-use rules in force (NDSR 21), or a kind note when none are published yet. */
export function RulesPage() {
  const { t } = useTranslation();
  useTitle(t('publicRules.title'));
  const { data, error, loading } = useLoad(async () => {
    try {
      return await call(api.GET('/api/v1/rules/current'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }, []);
  return (
    <article className="page rules">
      <h1>{t('publicRules.title')}</h1>
      <ErrorBanner error={error} />
      {loading && data === undefined ? <Loading /> : null}
      {data === null ? (
        <div className="panel">
          <p>{t('publicRules.notPublished')}</p>
        </div>
      ) : null}
      {data ? <RulesBody rules={data} /> : null}
      {data ? (
        <p>
          <Link to="/rules/versions">{t('publicRules.versions')}</Link>
        </p>
      ) : null}
    </article>
  );
}

/** One earlier (or the current) version, by its number. */
export function RulesVersionPage() {
  const { t } = useTranslation();
  const { version = '' } = useParams();
  useTitle(`${t('publicRules.title')} · ${t('publicRules.version', { version })}`);
  const n = Number(version);
  const { data, error, loading } = useLoad(
    () => call(api.GET('/api/v1/rules/versions/{version}', { params: { path: { version: n } } })),
    [n],
  );
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <article className="page rules">
      <p>
        <Link to="/rules/versions">{t('publicRules.versionsTitle')}</Link> ·{' '}
        <Link to="/rules">{t('publicRules.current')}</Link>
      </p>
      <h1>{t('publicRules.title')}</h1>
      {missing ? (
        <ErrorBanner message={t('publicRules.notFound', { version })} />
      ) : (
        <ErrorBanner error={error} />
      )}
      {loading && !data ? <Loading /> : null}
      {data ? <RulesBody rules={data} /> : null}
    </article>
  );
}

/** Every published version, newest first, each with a link to its text and to its changes. */
export function RulesVersionsPage() {
  const { t } = useTranslation();
  useTitle(t('publicRules.versionsTitle'));
  const dt = useDateTime();
  const { data, error, loading } = useLoad(() => call(api.GET('/api/v1/rules/versions')), []);
  const items = [...(data?.items ?? [])].sort((a, b) => b.version - a.version);
  return (
    <article className="page">
      <p>
        <Link to="/rules">{t('publicRules.current')}</Link>
      </p>
      <h1>{t('publicRules.versionsTitle')}</h1>
      <ErrorBanner error={error} />
      <DataTable
        caption={t('publicRules.versionsTitle')}
        rows={items}
        loading={loading}
        rowKey={(r) => String(r.version)}
        empty={t('publicRules.versionsEmpty')}
        columns={[
          {
            key: 'version',
            header: t('publicRules.colVersion'),
            render: (r) => (
              <Link to={`/rules/versions/${r.version}`}>
                {t('publicRules.version', { version: r.version })}
              </Link>
            ),
          },
          { key: 'effective', header: t('publicRules.colEffective'), render: (r) => dt(r.effectiveAt) },
          { key: 'published', header: t('publicRules.colPublished'), render: (r) => dt(r.publishedAt) },
          {
            key: 'diff',
            header: t('common.actions'),
            render: (r) =>
              items.some((x) => x.version < r.version) ? (
                <Link
                  to={`/rules/diff?from=${Math.max(...items.filter((x) => x.version < r.version).map((x) => x.version))}&to=${r.version}`}
                >
                  {t('publicRules.compare')}
                </Link>
              ) : null,
          },
        ]}
      />
      {items.length > 1 ? <DiffPicker versions={items.map((i) => i.version)} /> : null}
    </article>
  );
}

function DiffPicker({ versions, from = '', to = '' }: { versions: number[]; from?: string; to?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sorted = [...versions].sort((a, b) => a - b);
  const [a, setA] = useState(from || String(sorted[Math.max(0, sorted.length - 2)] ?? ''));
  const [b, setB] = useState(to || String(sorted[sorted.length - 1] ?? ''));
  const options = sorted.map((v) => ({ value: String(v), label: t('publicRules.version', { version: v }) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/rules/diff?from=${a}&to=${b}`);
  };
  return (
    <section aria-labelledby="diff-pick">
      <h2 id="diff-pick">{t('publicRules.diffPick')}</h2>
      <form onSubmit={submit} className="filters">
        <SelectField label={t('publicRules.diffFrom')} value={a} onChange={setA} options={options} />
        <SelectField label={t('publicRules.diffTo')} value={b} onChange={setB} options={options} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t('publicRules.diffShow')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** What changed between two versions, computed here from both versions' text. */
export function RulesDiffPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  useTitle(t('publicRules.diffTitle', { from, to }));
  const text = useRuleText();
  const { data, error, loading } = useLoad(
    () =>
      Promise.all([
        call(api.GET('/api/v1/rules/versions/{version}', { params: { path: { version: from } } })),
        call(api.GET('/api/v1/rules/versions/{version}', { params: { path: { version: to } } })),
      ]),
    [from, to],
  );
  const diff = data ? diffRules(data[0], data[1]) : null;
  const list = (ids: string[]) => ids.map(text.category).join(t('publicRules.listSeparator'));
  return (
    <article className="page rules">
      <p>
        <Link to="/rules/versions">{t('publicRules.versionsTitle')}</Link> ·{' '}
        <Link to="/rules">{t('publicRules.current')}</Link>
      </p>
      <h1>{t('publicRules.diffTitle', { from, to })}</h1>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {diff ? (
        <>
          {!diff.added.length && !diff.removed.length && !diff.changed.length ? (
            <p>{t('publicRules.diffNone')}</p>
          ) : null}
          {diff.added.length ? (
            <section aria-labelledby="diff-added">
              <h2 id="diff-added">{t('publicRules.diffAdded')}</h2>
              <ul>
                {diff.added.map((p) => (
                  <li key={p.key}>{text.name(p)}</li>
                ))}
              </ul>
            </section>
          ) : null}
          {diff.removed.length ? (
            <section aria-labelledby="diff-removed">
              <h2 id="diff-removed">{t('publicRules.diffRemoved')}</h2>
              <ul>
                {diff.removed.map((p) => (
                  <li key={p.key}>{text.name(p)}</li>
                ))}
              </ul>
            </section>
          ) : null}
          {diff.changed.length ? (
            <section aria-labelledby="diff-changed">
              <h2 id="diff-changed">{t('publicRules.diffChanged')}</h2>
              <ul className="diff-list">
                {diff.changed.map((c) => {
                  const gained = c.after.categories.filter((x) => !c.before.categories.includes(x));
                  const lost = c.before.categories.filter((x) => !c.after.categories.includes(x));
                  return (
                    <li key={c.after.key}>
                      <strong>{text.name(c.after)}</strong>
                      <p>
                        {t('publicRules.diffFields', {
                          fields: c.fields
                            .map((f) => t(`rulesText.field.${f}`))
                            .join(t('publicRules.listSeparator')),
                        })}
                      </p>
                      {gained.length ? (
                        <p>{t('publicRules.diffCategoriesAdded', { list: list(gained) })}</p>
                      ) : null}
                      {lost.length ? (
                        <p>{t('publicRules.diffCategoriesRemoved', { list: list(lost) })}</p>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </article>
  );
}

/** The text of one version: provider, version, and every purpose with its checklists; then rights. */
function RulesBody({ rules }: { rules: PublishedRules }) {
  const { t } = useTranslation();
  const { meta } = useMeta();
  const dt = useDateTime();
  const minors = rules.purposes.filter((p) => p.minors);
  return (
    <>
      <p className="lead">{t('publicRules.intro', { provider: meta?.providerName ?? '' })}</p>
      <p className="rules-version">
        <strong>{t('publicRules.version', { version: rules.version })}</strong> ·{' '}
        {t('publicRules.effective', { date: dt(rules.effectiveAt) })} ·{' '}
        {t('publicRules.published', { date: dt(rules.publishedAt) })}
      </p>
      <section aria-labelledby="rules-purposes">
        <h2 id="rules-purposes">{t('publicRules.purposes')}</h2>
        {rules.purposes.length ? null : <p>{t('publicRules.noPurposes')}</p>}
        {rules.purposes.map((p) => (
          <PurposeSection key={p.key} purpose={p} />
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
                    <PurposeName purpose={p} />
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
      <section aria-labelledby="rules-complaint">
        <h2 id="rules-complaint">{t('publicRules.complaintTitle')}</h2>
        <p>{t('publicRules.complaintIntro')}</p>
        <p>
          <Link to="/reports">{t('publicRules.complaintLink')}</Link>
        </p>
      </section>
      <p className="rules-hash">{t('publicRules.fingerprint', { sha: rules.sha256 })}</p>
    </>
  );
}

function PurposeName({ purpose }: { purpose: PublishedPurpose }) {
  const text = useRuleText();
  return <>{text.name(purpose)}</>;
}

function PurposeSection({ purpose: p }: { purpose: PublishedPurpose }) {
  const { t } = useTranslation();
  const text = useRuleText();
  const id = `purpose-${p.key}`;
  const sensitive = p.categories.filter(text.sensitive);
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
        {p.necessity && (sensitive.length || p.recipients.some((r) => r.kind === 'third_party')) ? (
          <>
            <dt>{t('publicRules.sensitiveWhy')}</dt>
            <dd>{p.necessity}</dd>
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
                  <strong>{r.name}</strong> ({t(`rulesText.kind.${r.kind}`)})
                  <br />
                  {t('publicRules.recipientPurpose', { purpose: r.purpose })}
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
                      recipient: c.recipient,
                      destination: c.destination,
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
