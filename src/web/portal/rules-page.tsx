import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, call } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { SelectField } from '../components/form-field.js';
import { Loading } from '../components/loading.js';
import { useDateTime } from '../format.js';
import { RulesDiffView } from '../rules-diff.js';
import { RulesBody, RulesDownloads } from '../rules-view.js';
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
      {data ? <RulesDownloads version={data.version} /> : null}
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
  const dt = useDateTime();
  const { version = '' } = useParams();
  useTitle(`${t('publicRules.title')} · ${t('publicRules.version', { version })}`);
  const n = versionNumber(version);
  const { data, error, loading } = useLoad(
    async () =>
      n === null
        ? null
        : call(api.GET('/api/v1/rules/versions/{version}', { params: { path: { version: n } } })),
    [n],
  );
  // Not a version number at all reads as what it is for a visitor: no such version.
  const missing = n === null || (error instanceof ApiError && error.status === 404);
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
      {loading && !data && !missing ? <Loading /> : null}
      {data && Date.parse(data.effectiveAt) > Date.now() ? (
        <Notice>{t('publicRules.notYet', { date: dt(data.effectiveAt) })}</Notice>
      ) : null}
      {data ? <RulesDownloads version={data.version} /> : null}
      {data ? <RulesBody rules={data} /> : null}
    </article>
  );
}

/** A version number from a URL: a positive integer, or null. */
function versionNumber(v: string | null): number | null {
  return v !== null && /^[1-9]\d{0,8}$/.test(v) ? Number(v) : null;
}

/** Every published version, newest first, each with a link to its text and to its changes. */
export function RulesVersionsPage() {
  const { t } = useTranslation();
  useTitle(t('publicRules.versionsTitle'));
  const dt = useDateTime();
  const { data, error, loading } = useLoad(() => call(api.GET('/api/v1/rules/versions')), []);
  const items = [...(data?.items ?? [])].sort((a, b) => b.version - a.version);
  const now = Date.now();
  const inForce = items.find((i) => Date.parse(i.effectiveAt) <= now)?.version;
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
          {
            key: 'effective',
            header: t('publicRules.colEffective'),
            // Which version binds now, and which are published but not yet in force.
            render: (r) => (
              <>
                {dt(r.effectiveAt)}{' '}
                {r.version === inForce ? (
                  <span className="badge badge-ok">{t('publicRules.inForce')}</span>
                ) : Date.parse(r.effectiveAt) > now ? (
                  <span className="badge badge-warn">{t('publicRules.scheduled')}</span>
                ) : null}
              </>
            ),
          },
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
  const from = versionNumber(params.get('from'));
  const to = versionNumber(params.get('to'));
  const chosen = from !== null && to !== null;
  useTitle(chosen ? t('publicRules.diffTitle', { from, to }) : t('publicRules.diffPick'));
  const { data, error, loading } = useLoad(async () => {
    if (from === null || to === null) return null;
    const one = async (version: number) => {
      try {
        return await call(api.GET('/api/v1/rules/versions/{version}', { params: { path: { version } } }));
      } catch (err) {
        // The same words as a version's own page for a version that does not exist.
        if (err instanceof ApiError && err.status === 404)
          throw new Error(t('publicRules.notFound', { version }), { cause: err });
        throw err;
      }
    };
    return Promise.all([one(from), one(to)]);
  }, [from, to]);
  // Without two version numbers the page offers the choice instead of comparing nothing.
  const versions = useLoad(async () => (chosen ? null : call(api.GET('/api/v1/rules/versions'))), [chosen]);
  return (
    <article className="page rules">
      <p>
        <Link to="/rules/versions">{t('publicRules.versionsTitle')}</Link> ·{' '}
        <Link to="/rules">{t('publicRules.current')}</Link>
      </p>
      <h1>{chosen ? t('publicRules.diffTitle', { from, to }) : t('publicRules.diffPick')}</h1>
      <ErrorBanner error={error ?? versions.error} />
      {loading && chosen && !data ? <Loading /> : null}
      {data ? <RulesDiffView from={data[0]} to={data[1]} /> : null}
      {versions.data ? (
        versions.data.items.length > 1 ? (
          <DiffPicker versions={versions.data.items.map((i) => i.version)} />
        ) : (
          <p>{t('publicRules.diffNeedsTwo')}</p>
        )
      ) : null}
    </article>
  );
}
