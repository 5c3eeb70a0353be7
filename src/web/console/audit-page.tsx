import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, call, type AuditEntry } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { SelectField, TextField } from '../components/form-field.js';
import { PageHead } from '../components/page-head.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

const PAGE = 50;
const ACTOR_TYPES = ['user', 'api_key', 'system', 'cli', 'public', 'subject'] as const;
type ActorType = (typeof ACTOR_TYPES)[number];
/** Suggestions for the action filter; any action or prefix may be typed. */
const KNOWN_ACTIONS = [
  'auth.',
  'user.',
  'apikey.',
  'webhook.',
  'job.',
  'setup.',
  'audit.',
  'keys.',
  'subject.',
  'subject.field.read',
  'case.',
  'screen.',
  'ruleset.',
  'report.',
];

interface Filter {
  actor: string;
  actorType: string;
  action: string;
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}
const EMPTY: Filter = {
  actor: '',
  actorType: '',
  action: '',
  targetType: '',
  targetId: '',
  from: '',
  to: '',
};

const FILTER_KEYS = Object.keys(EMPTY) as (keyof Filter)[];

/** The filter is kept in the address, so other pages can link to a narrowed log (`?targetType=subject&targetId=…`). */
function fromParams(p: URLSearchParams): Filter {
  const f = { ...EMPTY };
  for (const k of FILTER_KEYS) f[k] = p.get(k) ?? '';
  return f;
}
function toParams(f: Filter): Record<string, string> {
  return Object.fromEntries(FILTER_KEYS.filter((k) => f[k]).map((k) => [k, f[k]]));
}

/** datetime-local ("2025-01-31T09:30", local time) → ISO 8601 in UTC, as the API wants. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

function toQuery(f: Filter) {
  return {
    actor: f.actor.trim() || undefined,
    actorType: (f.actorType || undefined) as ActorType | undefined,
    action: f.action.trim() || undefined,
    targetType: f.targetType.trim() || undefined,
    targetId: f.targetId.trim() || undefined,
    from: toIso(f.from),
    to: toIso(f.to),
  };
}

/** The audit log: filters, keyset pages, export, and a check of the hash chain. */
export function AuditPage() {
  const { t } = useTranslation();
  useTitle(t('audit.title'));
  const dt = useDateTime();
  const errorText = useErrorText();
  const { can } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const paramKey = params.toString();
  // Keyed on the text of the address, not on the params object, which is new on every render.
  const filter = useMemo(() => fromParams(new URLSearchParams(paramKey)), [paramKey]);
  const setFilter = (f: Filter) => setParams(toParams(f));
  const [draft, setDraft] = useState<Filter>(filter);
  const [draftErrors, setDraftErrors] = useState<Partial<Record<keyof Filter, string>>>({});
  // Keyset paging: the `before` of each page seen so far; the last one is the page shown.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  // On a phone the filters start folded, so the entries are what one sees first.
  const [wide] = useState(
    () => window.matchMedia('(min-width: 861px)').matches || Object.values(filter).some(Boolean),
  );
  const [verify, setVerify] = useState<{ busy: boolean; ok?: string; bad?: string }>({ busy: false });

  // A new address (a link from another page, back and forward): its filter, from the first page.
  useEffect(() => {
    setDraft(filter);
    setDraftErrors({});
    setCursors([undefined]);
  }, [filter]);

  const page = useLoad(
    () => call(api.GET('/api/v1/audit', { params: { query: { ...toQuery(filter), before, limit: PAGE } } })),
    [filter, before],
  );

  // Staff names instead of bare ids, where the reader may see the user list.
  const users = useLoad(
    () =>
      can('users:read')
        ? call(api.GET('/api/v1/users', { params: { query: { limit: 200, offset: 0 } } })).then(
            (r) => r.items,
          )
        : Promise.resolve([]),
    [],
  );
  const names = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.username])), [users.data]);

  const set = (k: keyof Filter) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof draftErrors = {};
    for (const k of ['from', 'to'] as const)
      if (draft[k] && Number.isNaN(new Date(draft[k]).getTime())) errs[k] = t('common.required');
    setDraftErrors(errs);
    if (Object.keys(errs).length) return;
    setFilter(draft);
  };

  // Ids are long; a click on one narrows the log to it instead of asking staff to copy it into the filter.
  const narrow = (patch: Partial<Filter>) => {
    const next = { ...EMPTY, ...patch };
    setFilter(next);
  };

  const idButton = (id: string, label: string, patch: Partial<Filter>) => (
    <button type="button" className="button-link id-link" aria-label={label} onClick={() => narrow(patch)}>
      {id.length > 12 ? `${id.slice(0, 8)}…` : id}
    </button>
  );

  const reset = () => {
    setDraft(EMPTY);
    setDraftErrors({});
    setFilter(EMPTY);
  };

  const runVerify = async () => {
    setVerify({ busy: true });
    try {
      const r = await call(api.GET('/api/v1/audit/verify'));
      setVerify(
        r.ok
          ? {
              busy: false,
              ok: t('audit.verifyOk', { checked: r.checked, perSecond: Math.round(r.perSecond) }),
            }
          : { busy: false, bad: t('audit.verifyBad', { seq: r.problem?.seq, message: r.problem?.message }) },
      );
    } catch (err) {
      setVerify({ busy: false, bad: errorText(err) });
    }
  };

  const exportHref = (format: 'csv' | 'jsonl') => {
    const qs = new URLSearchParams({ format });
    for (const [k, v] of Object.entries(toQuery(filter))) if (v) qs.set(k, v);
    return `/api/v1/audit/export?${qs}`;
  };

  const who = (e: AuditEntry) => {
    const name = e.actorType === 'user' && e.actorId ? names.get(e.actorId) : undefined;
    return (
      <>
        <span className="badge">{t(`audit.actorTypes.${e.actorType}`, { defaultValue: e.actorType })}</span>{' '}
        {name ? <strong>{name}</strong> : null}
        {e.actorId ? (
          <>
            <br />
            {idButton(e.actorId, t('audit.filterActor', { id: name ?? e.actorId }), { actor: e.actorId })}
          </>
        ) : null}
      </>
    );
  };

  const target = (e: AuditEntry) => {
    if (!e.targetType) return t('common.none');
    const name = e.targetType === 'user' && e.targetId ? names.get(e.targetId) : undefined;
    return (
      <>
        {e.targetType}
        {name ? <strong> {name}</strong> : null}
        {e.targetId ? (
          <>
            <br />
            {idButton(e.targetId, t('audit.filterTarget', { id: name ?? e.targetId }), {
              targetType: e.targetType,
              targetId: e.targetId,
            })}
          </>
        ) : null}
      </>
    );
  };

  const items = page.data?.items;
  return (
    <div className="page">
      <PageHead title={t('audit.title')}>
        <div className="button-row">
          {can('audit:export') ? (
            <>
              <a className="button" href={exportHref('csv')} download>
                {t('audit.exportCsv')}
              </a>
              <a className="button" href={exportHref('jsonl')} download>
                {t('audit.exportJsonl')}
              </a>
            </>
          ) : null}
          <button type="button" className="button" onClick={runVerify} disabled={verify.busy}>
            {verify.busy ? t('audit.verifying') : t('audit.verify')}
          </button>
        </div>
      </PageHead>
      <p className="lead">{t('audit.intro')}</p>
      {verify.ok ? <Notice>{verify.ok}</Notice> : null}
      <ErrorBanner message={verify.bad} />

      <details className="filters-box" open={wide}>
        <summary>{t('audit.filters')}</summary>
        <form className="filters" role="search" aria-label={t('audit.filters')} onSubmit={apply}>
          <div className="form-grid">
            <TextField label={t('audit.actor')} value={draft.actor} onChange={set('actor')} maxLength={64} />
            <SelectField
              label={t('audit.actorType')}
              value={draft.actorType}
              onChange={set('actorType')}
              options={[
                { value: '', label: t('audit.anyActorType') },
                ...ACTOR_TYPES.map((a) => ({ value: a, label: t(`audit.actorTypes.${a}`) })),
              ]}
            />
            <TextField
              label={t('audit.action')}
              hint={t('audit.actionHint')}
              value={draft.action}
              onChange={set('action')}
              list="audit-actions"
              maxLength={100}
              spellCheck={false}
            />
            <TextField
              label={t('audit.targetType')}
              value={draft.targetType}
              onChange={set('targetType')}
              maxLength={64}
            />
            <TextField
              label={t('audit.targetId')}
              value={draft.targetId}
              onChange={set('targetId')}
              maxLength={100}
            />
            <TextField
              label={t('audit.from')}
              type="datetime-local"
              step={1}
              value={draft.from}
              onChange={set('from')}
              error={draftErrors.from}
            />
            <TextField
              label={t('audit.to')}
              type="datetime-local"
              step={1}
              value={draft.to}
              onChange={set('to')}
              error={draftErrors.to}
            />
          </div>
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <div className="form-actions">
            <button type="submit" className="button button-primary">
              {t('common.apply')}
            </button>
            <button type="button" className="button" onClick={reset}>
              {t('common.reset')}
            </button>
          </div>
        </form>
      </details>

      <ErrorBanner error={page.error} />
      <DataTable<AuditEntry>
        caption={t('audit.entries')}
        loading={page.loading}
        rows={items}
        rowKey={(e) => String(e.seq)}
        columns={[
          { key: 'seq', header: t('audit.colSeq'), render: (e) => e.seq },
          { key: 'at', header: t('audit.colAt'), className: 'nowrap', render: (e) => dt(e.at) },
          { key: 'actor', header: t('audit.colActor'), render: who },
          { key: 'action', header: t('audit.colAction'), render: (e) => <code>{e.action}</code> },
          { key: 'target', header: t('audit.colTarget'), render: target },
          {
            key: 'purpose',
            header: t('audit.colPurpose'),
            render: (e) => e.purpose ?? t('common.none'),
          },
          {
            key: 'details',
            header: t('audit.colDetails'),
            className: 'details',
            render: (e) => {
              const s = Object.keys(e.details).length ? JSON.stringify(e.details) : '';
              return s ? <code>{s.length > 240 ? `${s.slice(0, 240)}…` : s}</code> : t('common.none');
            },
          },
          { key: 'hash', header: t('audit.colHash'), render: (e) => <code>{e.hash.slice(0, 12)}</code> },
        ]}
      />
      <nav className="pagination" aria-label={t('common.pagination')}>
        <button
          type="button"
          className="button"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          {t('common.previous')}
        </button>
        <span className="pagination-info">{t('common.pageNumber', { page: cursors.length })}</span>
        <button
          type="button"
          className="button"
          disabled={!page.data?.nextBefore || page.loading}
          onClick={() => setCursors((c) => [...c, page.data!.nextBefore!])}
        >
          {t('common.next')}
        </button>
      </nav>
    </div>
  );
}
