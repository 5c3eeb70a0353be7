import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, call, type Case } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { SelectField, TextField } from '../components/form-field.js';
import { PagePagination } from '../components/pagination.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useLabels } from '../labels.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { CaseStatus, Decision } from './case-badges.js';

const PAGE = 25;
const STATUSES = ['queue', 'open', 'claimed', 'escalated', 'reportable', 'removed', 'restored'] as const;
type Status = (typeof STATUSES)[number];
// CSL 47 and MPS Order 33: illegal content is dealt with at once and reported within 24 hours.
const AGES = ['', '1', '24', '72'] as const;

interface Filter {
  status: string;
  category: string;
  contentType: string;
  age: string;
}
const KEYS: (keyof Filter)[] = ['status', 'category', 'contentType', 'age'];

/**
 * The moderation queue, oldest first. Filters live in the address (so “back” from a case returns to the
 * same view); the keyboard moves through the rows: j/k or the arrows, Enter opens, c claims.
 */
export function CasesPage() {
  const { t } = useTranslation();
  useTitle(t('cases.title'));
  const dt = useDateTime();
  const labels = useLabels();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const { can, user } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const paramKey = params.toString();
  const filter: Filter = {
    status: params.get('status') ?? 'queue',
    category: params.get('category') ?? '',
    contentType: params.get('contentType') ?? '',
    age: params.get('age') ?? '',
  };
  const [draft, setDraft] = useState<Filter>(filter);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [selected, setSelected] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const table = useRef<HTMLDivElement>(null);
  // On a phone the filters start folded (unless the address sets some), so the cases are what one sees first.
  const [wide] = useState(
    () => window.matchMedia('(min-width: 861px)').matches || [...params.keys()].some((k) => k !== 'offset'),
  );

  const list = useLoad(
    () =>
      call(
        api.GET('/api/v1/cases', {
          params: {
            query: {
              status: (filter.status || undefined) as Status | undefined,
              category: filter.category || undefined,
              contentType: filter.contentType || undefined,
              olderThanHours: filter.age ? Number(filter.age) : undefined,
              limit: PAGE,
              offset,
            },
          },
        }),
      ),
    [paramKey],
  );
  const stats = useLoad(() => call(api.GET('/api/v1/screen/stats', { params: { query: { days: 7 } } })), []);
  const rows = list.data?.items ?? [];

  useEffect(() => setSelected(0), [paramKey]);
  useEffect(() => setDraft(filter), [paramKey]);

  const go = (f: Filter, nextOffset = 0) => {
    const p: Record<string, string> = {};
    for (const k of KEYS) if (f[k]) p[k] = f[k];
    // "queue" is the default status; keep the address short.
    if (p.status === 'queue') delete p.status;
    if (!f.status) p.status = '';
    if (nextOffset) p.offset = String(nextOffset);
    setParams(p);
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    go(draft);
  };

  const claim = async (c: Case) => {
    setError(null);
    setNotice(null);
    try {
      await call(api.POST('/api/v1/cases/{id}/claim', { params: { path: { id: c.id } } }));
      setNotice(t('cases.claimed', { id: c.contentId }));
      list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const focusRow = (i: number) => {
    setSelected(i);
    table.current?.querySelectorAll<HTMLElement>('[data-case-link]')[i]?.focus();
  };

  // The keys act on the page unless the reader is typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const el = e.target as HTMLElement | null;
      if (el?.closest('input, select, textarea, [contenteditable="true"], dialog')) return;
      if (!rows.length) return;
      const i = Math.min(selected, rows.length - 1);
      // The first move from outside the list goes to the row already marked, not past it.
      const inList = !!el?.closest('[data-case-link]');
      if (e.key === 'j' || e.key === 'ArrowDown') {
        e.preventDefault();
        focusRow(inList ? Math.min(i + 1, rows.length - 1) : i);
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        e.preventDefault();
        focusRow(inList ? Math.max(i - 1, 0) : i);
      } else if (e.key === 'Enter' && !el?.closest('a, button')) {
        e.preventDefault();
        navigate(`/console/cases/${rows[i].id}`);
      } else if (e.key === 'c' && can('cases:decide')) {
        e.preventDefault();
        void claim(rows[i]);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const set = (k: keyof Filter) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const totals = (stats.data?.items ?? []).reduce(
    (acc, r) => ({ ...acc, [r.decision]: (acc[r.decision] ?? 0) + r.count }),
    {} as Record<string, number>,
  );

  return (
    <div className="page">
      <h1>{t('cases.title')}</h1>
      <p className="lead">{t('cases.intro')}</p>
      {stats.data ? (
        <p className="stats-line">
          {t('cases.stats', {
            allow: totals.allow ?? 0,
            review: totals.review ?? 0,
            block: totals.block ?? 0,
          })}
        </p>
      ) : null}

      <details className="filters-box" open={wide}>
        <summary>{t('cases.filters')}</summary>
        <form className="filters" role="search" aria-label={t('cases.filters')} onSubmit={apply}>
          <div className="form-grid">
            <SelectField
              label={t('cases.status')}
              value={draft.status}
              onChange={set('status')}
              options={[
                ...STATUSES.map((s) => ({ value: s, label: t(`cases.statuses.${s}`) })),
                { value: '', label: t('cases.statuses.all') },
              ]}
            />
            <SelectField
              label={t('cases.category')}
              value={draft.category}
              onChange={set('category')}
              options={[{ value: '', label: t('cases.anyCategory') }, ...labels.screeningCategories()]}
            />
            <TextField
              label={t('cases.contentType')}
              hint={t('cases.contentTypeHint')}
              value={draft.contentType}
              onChange={set('contentType')}
              maxLength={64}
              spellCheck={false}
            />
            <SelectField
              label={t('cases.age')}
              value={draft.age}
              onChange={set('age')}
              options={AGES.map((a) => ({
                value: a,
                label: a ? t('cases.olderThan', { count: Number(a) }) : t('cases.anyAge'),
              }))}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary">
              {t('common.apply')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => go({ ...filter, status: 'queue', category: '', contentType: '', age: '' })}
            >
              {t('common.reset')}
            </button>
          </div>
        </form>
      </details>

      <section className="keys-help" aria-labelledby="keys-title">
        <h2 id="keys-title" className="keys-title">
          {t('cases.keysTitle')}
        </h2>
        <ul>
          <li>
            <kbd>j</kbd> / <kbd>↓</kbd> {t('cases.keyNext')}
          </li>
          <li>
            <kbd>k</kbd> / <kbd>↑</kbd> {t('cases.keyPrevious')}
          </li>
          <li>
            <kbd>Enter</kbd> {t('cases.keyOpen')}
          </li>
          {can('cases:decide') ? (
            <li>
              <kbd>c</kbd> {t('cases.keyClaim')}
            </li>
          ) : null}
        </ul>
      </section>

      <Notice>{notice}</Notice>
      <ErrorBanner message={error} />
      <ErrorBanner error={list.error} />
      <div ref={table}>
        <DataTable<Case>
          caption={t('cases.list')}
          loading={list.loading}
          rows={list.data?.items}
          rowKey={(c) => c.id}
          empty={t('cases.empty')}
          rowProps={(_c, i) => ({
            className: i === selected ? 'row-selected' : undefined,
            'aria-current': i === selected ? 'true' : undefined,
            onClick: () => setSelected(i),
          })}
          columns={[
            {
              key: 'content',
              header: t('cases.colContent'),
              className: 'nowrap',
              render: (c) => (
                <>
                  <Link
                    to={`/console/cases/${c.id}`}
                    data-case-link=""
                    onFocus={() => setSelected(rows.indexOf(c))}
                    aria-label={t('cases.openCase', { id: c.contentId })}
                  >
                    <span className="mono">{c.contentId}</span>
                  </Link>
                  <br />
                  <span className="muted">{c.contentType}</span>
                </>
              ),
            },
            {
              key: 'category',
              header: t('cases.colCategory'),
              render: (c) => labels.screeningCategory(c.topCategory),
            },
            {
              key: 'decision',
              header: t('cases.colDecision'),
              render: (c) => <Decision decision={c.decision} />,
            },
            {
              key: 'status',
              header: t('cases.colStatus'),
              render: (c) => (
                <>
                  <CaseStatus status={c.status} />
                  {c.status === 'claimed' ? (
                    <>
                      <br />
                      <span className="muted">
                        {c.claimedBy === user.id ? t('cases.byYou') : t('cases.byOther')}
                      </span>
                    </>
                  ) : null}
                </>
              ),
            },
            {
              key: 'author',
              header: t('cases.colAuthor'),
              render: (c) => <span className="mono">{c.authorAccount}</span>,
            },
            {
              key: 'received',
              header: t('cases.colReceived'),
              className: 'nowrap',
              render: (c) => dt(c.receivedAt),
            },
            {
              key: 'stopped',
              header: t('cases.colStopped'),
              className: 'nowrap',
              render: (c) => (c.transmissionStoppedAt ? dt(c.transmissionStoppedAt) : t('cases.notStopped')),
            },
            ...(can('cases:decide')
              ? [
                  {
                    key: 'actions',
                    header: t('common.actions'),
                    render: (c: Case) =>
                      ['open', 'escalated'].includes(c.status) ? (
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={t('cases.claimCase', { id: c.contentId })}
                          onClick={() => claim(c)}
                        >
                          {t('cases.claim')}
                        </button>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
      </div>
      <PagePagination page={list.data} offset={offset} limit={PAGE} onChange={(o) => go(filter, o)} />
    </div>
  );
}
