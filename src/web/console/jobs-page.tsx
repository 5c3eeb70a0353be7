import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { SelectField } from '../components/form-field.js';
import { PagePagination } from '../components/pagination.js';
import { PageHead } from '../components/page-head.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

const PAGE = 20;
const STATUSES = ['failed', 'pending', 'running', 'done', 'dead'] as const;
type Status = (typeof STATUSES)[number];

interface Job {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Background jobs; opens on the ones that need a person, each with a retry button. */
export function JobsPage() {
  const { t } = useTranslation();
  useTitle(t('jobs.title'));
  const dt = useDateTime();
  const errorText = useErrorText();
  const { can } = useSignedIn();
  const writable = can('jobs:write');
  const [status, setStatus] = useState<Status>('failed');
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const list = useLoad(
    () => call(api.GET('/api/v1/jobs', { params: { query: { status, limit: PAGE, offset } } })),
    [status, offset],
  );

  const retry = async (job: Job) => {
    setBusy(job.id);
    setError(null);
    setNotice(null);
    try {
      await call(api.POST('/api/v1/jobs/{id}/retry', { params: { path: { id: job.id } } }));
      setNotice(t('jobs.retried'));
      list.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  // The server re-runs dead jobs and pending ones that have failed before.
  const retryable = (j: Job) => j.status === 'dead' || (j.status === 'pending' && j.lastError !== null);

  return (
    <div className="page">
      <PageHead title={t('jobs.title')}>
        <button type="button" className="button" onClick={list.reload}>
          {t('common.refresh')}
        </button>
      </PageHead>
      <p className="lead">{t('jobs.intro')}</p>
      <div className="filters">
        <div className="form-grid">
          <SelectField
            label={t('jobs.status')}
            value={status}
            onChange={(v) => {
              setStatus(v as Status);
              setOffset(0);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`jobs.statuses.${s}`) }))}
          />
        </div>
      </div>
      <Notice>{notice}</Notice>
      <ErrorBanner message={error} />
      <ErrorBanner error={list.error} />
      <DataTable<Job>
        caption={t('jobs.list')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(j) => j.id}
        columns={[
          {
            key: 'kind',
            header: t('jobs.colKind'),
            render: (j) => (
              <>
                <code>{j.kind}</code>
                <br />
                <span className="mono field-hint">{j.id}</span>
              </>
            ),
          },
          {
            key: 'status',
            header: t('jobs.colStatus'),
            render: (j) => (
              <span
                className={`badge${j.status === 'dead' ? ' badge-bad' : j.status === 'done' ? ' badge-ok' : ''}`}
              >
                {t(`jobs.statuses.${j.status}`, { defaultValue: j.status })}
              </span>
            ),
          },
          {
            key: 'attempts',
            header: t('jobs.colAttempts'),
            render: (j) => `${j.attempts} / ${j.maxAttempts}`,
          },
          { key: 'run', header: t('jobs.colRunAt'), className: 'nowrap', render: (j) => dt(j.runAt) },
          {
            key: 'error',
            header: t('jobs.colError'),
            className: 'details',
            render: (j) => (j.lastError ? <code>{j.lastError}</code> : t('common.none')),
          },
          {
            key: 'updated',
            header: t('jobs.colUpdated'),
            className: 'nowrap',
            render: (j) => dt(j.updatedAt),
          },
          ...(writable
            ? [
                {
                  key: 'actions',
                  header: t('common.actions'),
                  render: (j: Job) =>
                    retryable(j) ? (
                      <button
                        type="button"
                        className="button button-small"
                        disabled={busy === j.id}
                        aria-label={`${t('jobs.retry')} ${j.kind} ${j.id}`}
                        onClick={() => retry(j)}
                      >
                        {t('jobs.retry')}
                      </button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <PagePagination page={list.data} offset={offset} limit={PAGE} onChange={setOffset} />
    </div>
  );
}
