import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, call } from '../api.js';
import type { paths } from '../../client/schema.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { SelectField } from '../components/form-field.js';
import { Pagination } from '../components/pagination.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useCategories, useRuleText } from '../rules-data.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

type Sweep =
  paths['/api/v1/retention/sweeps']['get']['responses'][200]['content']['application/json']['items'][number];
type SweepDetail =
  paths['/api/v1/retention/sweeps/{id}']['get']['responses'][200]['content']['application/json'];
type Item = SweepDetail['items']['items'][number];
const ACTIONS = ['delete', 'anonymise', 'unregistered'] as const;
const PAGE = 20;

function Status({ status }: { status: Sweep['status'] }) {
  const { t } = useTranslation();
  const cls = status === 'applied' ? 'badge badge-ok' : status === 'report' ? 'badge badge-warn' : 'badge';
  return <span className={cls}>{t(`retention.status.${status}`)}</span>;
}

/**
 * Retention reports (PIPL 19, 47): each lists the personal information past every purpose that holds it, and
 * what the register says happens to it. Staff make a dry run, review it, then apply it.
 */
export function RetentionPage() {
  const { t } = useTranslation();
  useTitle(t('retention.title'));
  const dt = useDateTime();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const { can } = useSignedIn();
  const [offset, setOffset] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useLoad(
    () => call(api.GET('/api/v1/retention/sweeps', { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );

  const dryRun = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call(api.POST('/api/v1/retention/sweeps', { body: { dryRun: true } }));
      navigate(`/console/retention/${r.id}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <h1>{t('retention.title')}</h1>
      <p className="lead">{t('retention.intro')}</p>
      <ErrorBanner message={error} />
      <ErrorBanner error={list.error} />
      {can('retention:write') ? (
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={busy} onClick={dryRun}>
            {t('retention.dryRun')}
          </button>
        </div>
      ) : null}
      <DataTable<Sweep>
        caption={t('retention.caption')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(s) => s.id}
        empty={t('retention.empty')}
        columns={[
          {
            key: 'at',
            header: t('retention.colAt'),
            className: 'nowrap',
            render: (s) => <Link to={`/console/retention/${s.id}`}>{dt(s.createdAt)}</Link>,
          },
          {
            key: 'by',
            header: t('retention.colBy'),
            render: (s) => t(`retention.actor.${s.createdBy.type}`),
          },
          { key: 'status', header: t('retention.colStatus'), render: (s) => <Status status={s.status} /> },
          { key: 'version', header: t('retention.colVersion'), render: (s) => s.rulesVersion ?? '—' },
          ...ACTIONS.map((a) => ({
            key: a,
            header: t(`retention.action.${a}`),
            render: (s: Sweep) => s.summary[a],
          })),
        ]}
      />
      <Pagination
        offset={offset}
        limit={PAGE}
        total={list.data?.total}
        count={list.data?.items.length ?? 0}
        onChange={setOffset}
      />
    </div>
  );
}

/** One report: its counts, its items (subject ids, field names, actions; never values), and apply. */
export function RetentionReportPage() {
  const { t } = useTranslation();
  useTitle(t('retention.reportTitle'));
  const { id = '' } = useParams();
  const dt = useDateTime();
  const errorText = useErrorText();
  const { can } = useSignedIn();
  const text = useRuleText(useCategories());
  const [action, setAction] = useState<'' | (typeof ACTIONS)[number]>('');
  const [offset, setOffset] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const report = useLoad(
    () =>
      call(
        api.GET('/api/v1/retention/sweeps/{id}', {
          params: { path: { id }, query: { limit: PAGE, offset, ...(action ? { action } : {}) } },
        }),
      ),
    [id, offset, action],
  );
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call(
        api.POST('/api/v1/retention/sweeps/{id}/apply', { params: { path: { id } }, body: {} }),
      );
      setConfirming(false);
      setNotice(t('retention.appliedNotice', r.applied ?? { applied: 0, skipped: 0, subjects: 0 }));
      report.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const s = report.data;
  const pending = s ? s.summary.delete + s.summary.anonymise : 0;
  return (
    <div className="page">
      <p>
        <Link to="/console/retention">{t('retention.back')}</Link>
      </p>
      <h1>{t('retention.reportTitle')}</h1>
      <ErrorBanner error={report.error} />
      <ErrorBanner message={error} />
      <Notice>{notice}</Notice>
      {s ? (
        <>
          <dl className="facts">
            <dt>{t('retention.colAt')}</dt>
            <dd>{dt(s.createdAt)}</dd>
            <dt>{t('retention.asOf')}</dt>
            <dd>{dt(s.asOf)}</dd>
            <dt>{t('retention.colStatus')}</dt>
            <dd>
              <Status status={s.status} />
            </dd>
            <dt>{t('retention.colVersion')}</dt>
            <dd>{s.rulesVersion ?? '—'}</dd>
            <dt>{t('retention.examined')}</dt>
            <dd>
              {t('retention.examinedValue', { subjects: s.summary.subjects, fields: s.summary.fields })}
            </dd>
            {s.applied ? (
              <>
                <dt>{t('retention.appliedAt')}</dt>
                <dd>
                  {dt(s.appliedAt)} — {t('retention.appliedNotice', s.applied)}
                </dd>
              </>
            ) : null}
          </dl>
          {s.status === 'noop' ? <p className="banner">{t('retention.noop')}</p> : null}
          {s.summary.unregistered ? <p className="banner">{t('retention.gapNote')}</p> : null}
          <div>
            <section aria-labelledby="by-purpose">
              <h2 id="by-purpose">{t('retention.byPurpose')}</h2>
              {Object.keys(s.summary.byPurpose).length ? (
                <ul>
                  {Object.entries(s.summary.byPurpose).map(([p, n]) => (
                    <li key={p}>
                      <code>{p}</code>: {n}
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t('common.none')}</p>
              )}
            </section>
            <section aria-labelledby="by-category">
              <h2 id="by-category">{t('retention.byCategory')}</h2>
              {Object.keys(s.summary.byCategory).length ? (
                <ul>
                  {Object.entries(s.summary.byCategory).map(([c, counts]) => (
                    <li key={c}>
                      {text.category(c)}:{' '}
                      {Object.entries(counts)
                        .map(([a, n]) => `${t(`retention.action.${a}`)} ${n}`)
                        .join(t('publicRules.listSeparator'))}
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t('common.none')}</p>
              )}
            </section>
          </div>
          {s.status === 'report' && can('retention:apply') && pending > 0 ? (
            confirming ? (
              <div
                className="panel"
                role="alertdialog"
                aria-labelledby="apply-confirm-title"
                aria-describedby="apply-confirm-text"
                tabIndex={-1}
                ref={confirmRef}
              >
                <h2 id="apply-confirm-title">{t('retention.confirmTitle')}</h2>
                <p id="apply-confirm-text">
                  {t('retention.confirmText', { delete: s.summary.delete, anonymise: s.summary.anonymise })}
                </p>
                <div className="form-actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() => setConfirming(false)}
                    disabled={busy}
                  >
                    {t('common.cancel')}
                  </button>
                  <button type="button" className="button button-danger" onClick={apply} disabled={busy}>
                    {t('retention.applyNow')}
                  </button>
                </div>
              </div>
            ) : (
              <div className="form-actions">
                <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
                  {t('retention.apply')}
                </button>
              </div>
            )
          ) : null}
          <h2>{t('retention.items')}</h2>
          <div className="filters">
            <SelectField
              label={t('retention.filterAction')}
              value={action}
              onChange={(v) => {
                setAction(v as typeof action);
                setOffset(0);
              }}
              options={[
                { value: '', label: t('retention.allActions') },
                ...ACTIONS.map((a) => ({ value: a, label: t(`retention.action.${a}`) })),
              ]}
            />
          </div>
          <DataTable<Item>
            caption={t('retention.items')}
            loading={report.loading}
            rows={s.items.items}
            rowKey={(i) => String(i.seq)}
            empty={t('retention.noItems')}
            columns={[
              {
                key: 'subject',
                header: t('retention.colSubject'),
                render: (i) => <Link to={`/console/subjects/${i.subjectId}`}>{i.subjectId.slice(0, 8)}</Link>,
              },
              { key: 'field', header: t('retention.colField'), render: (i) => <code>{i.field}</code> },
              {
                key: 'category',
                header: t('retention.colCategory'),
                render: (i) => text.category(i.category),
              },
              {
                key: 'action',
                header: t('retention.colAction'),
                render: (i) => t(`retention.action.${i.action}`),
              },
              {
                key: 'purposes',
                header: t('retention.colPurposes'),
                render: (i) => (i.purposes.length ? i.purposes.join(', ') : '—'),
              },
              {
                key: 'outcome',
                header: t('retention.colOutcome'),
                render: (i) =>
                  `${t(`retention.itemStatus.${i.status}`)}${i.note ? ` (${t(`retention.note.${i.note.split(':')[0]}`, { defaultValue: i.note })})` : ''}`,
              },
            ]}
          />
          <Pagination
            offset={offset}
            limit={PAGE}
            total={s.items.total}
            count={s.items.items.length}
            onChange={setOffset}
          />
        </>
      ) : null}
    </div>
  );
}
