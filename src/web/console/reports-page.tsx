import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, call, type Case, type Report } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { PagePagination } from '../components/pagination.js';
import { FieldGroup, TextField } from '../components/form-field.js';
import { FormPanel } from '../components/form-panel.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useLabels } from '../labels.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { CaseStatus } from './case-badges.js';

const PAGE = 50;

/** Cases that may go to the authority: marked reportable, or removed. */
const candidates = async (): Promise<Case[]> => {
  const page = (status: 'reportable' | 'removed') =>
    call(api.GET('/api/v1/cases', { params: { query: { status, limit: 200, offset: 0 } } }));
  const [a, b] = await Promise.all([page('reportable'), page('removed')]);
  return [...a.items, ...b.items].sort((x, y) => x.receivedAt.localeCompare(y.receivedAt));
};

/**
 * Report packages for the competent authority (Decision art. 5; MPS Order 33 art. 10): choose cases, build
 * the package (PDF summary, JSON, evidence, SHA-256 manifest), download it, and record its submission.
 */
export function ReportsPage() {
  const { t } = useTranslation();
  useTitle(t('reports.title'));
  const dt = useDateTime();
  const { can } = useSignedIn();
  const writable = can('reports:write');
  const [offset, setOffset] = useState(0);
  const reports = useLoad(
    () => call(api.GET('/api/v1/reports', { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [recording, setRecording] = useState<string | null>(null);

  const items = reports.data?.items ?? [];
  return (
    <div className="page">
      <h1>{t('reports.title')}</h1>
      <p className="lead">{t('reports.intro')}</p>
      <Notice>{notice}</Notice>
      {writable && can('cases:read') ? (
        <CreateReport
          onCreated={(r) => {
            setNotice(t('reports.created', { number: r.number }));
            if (offset === 0) reports.reload();
            else setOffset(0);
          }}
        />
      ) : null}

      <h2>{t('reports.packages')}</h2>
      <ErrorBanner error={reports.error} />
      <DataTable<Report>
        caption={t('reports.packages')}
        loading={reports.loading}
        rows={items}
        rowKey={(r) => r.id}
        empty={t('reports.none')}
        columns={[
          {
            key: 'number',
            header: t('reports.colNumber'),
            className: 'nowrap',
            render: (r) => <strong className="mono">{r.number}</strong>,
          },
          { key: 'authority', header: t('reports.colAuthority'), render: (r) => r.authority },
          { key: 'cases', header: t('reports.colCases'), render: (r) => r.caseIds.length },
          {
            key: 'created',
            header: t('reports.colCreated'),
            className: 'nowrap',
            render: (r) => dt(r.createdAt),
          },
          {
            key: 'manifest',
            header: t('reports.colManifest'),
            className: 'details',
            render: (r) => <code>{r.manifestSha256}</code>,
          },
          {
            key: 'submitted',
            header: t('reports.colSubmitted'),
            render: (r) =>
              r.submittedAt ? (
                <>
                  <span className="badge badge-ok">{t('reports.submitted')}</span> {dt(r.submittedAt)}
                  <br />
                  {r.submittedTo}
                  {r.receipt ? (
                    <>
                      <br />
                      <span className="muted">{t('reports.receiptShort', { receipt: r.receipt })}</span>
                    </>
                  ) : null}
                </>
              ) : (
                <span className="badge badge-warn">{t('reports.notSubmitted')}</span>
              ),
          },
          {
            key: 'actions',
            header: t('common.actions'),
            render: (r) => (
              <div className="button-row">
                <a
                  className="button button-small"
                  href={`/api/v1/reports/${encodeURIComponent(r.id)}/download`}
                  download
                  aria-label={t('reports.downloadN', { number: r.number })}
                >
                  {t('reports.download')}
                </a>
                {writable && !r.submittedAt ? (
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={t('reports.recordN', { number: r.number })}
                    onClick={() => {
                      setRecording(r.id);
                      setNotice(null);
                    }}
                  >
                    {t('reports.record')}
                  </button>
                ) : null}
              </div>
            ),
          },
        ]}
      />
      <PagePagination page={reports.data} offset={offset} limit={PAGE} onChange={setOffset} />
      {recording ? (
        <RecordSubmission
          key={recording}
          report={items.find((r) => r.id === recording)!}
          onCancel={() => setRecording(null)}
          onDone={(r) => {
            setRecording(null);
            setNotice(t('reports.recorded', { number: r.number }));
            reports.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function CreateReport({ onCreated }: { onCreated: (r: Report) => void }) {
  const { t } = useTranslation();
  const dt = useDateTime();
  const labels = useLabels();
  const cases = useLoad(candidates, []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [authority, setAuthority] = useState('');
  const { errors, busy, run } = useSubmit(['authority', 'caseIds']);
  const rows = cases.data ?? [];
  const all = rows.length > 0 && chosen.length === rows.length;

  const toggle = (id: string, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (!chosen.length) return errors.set('caseIds', t('reports.chooseCases'));
    await run(async () => {
      const r = await call(
        api.POST('/api/v1/reports', { body: { caseIds: chosen, authority: authority.trim() } }),
      );
      setChosen([]);
      setAuthority('');
      onCreated(r);
    });
  };

  return (
    <FormPanel
      titleId="create-report-title"
      title={t('reports.createTitle')}
      intro={<p className="field-hint">{t('reports.createIntro')}</p>}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={busy ? t('reports.building') : t('reports.create')}
      busy={busy}
    >
      <ErrorBanner error={cases.error} />
      <FieldGroup legend={t('reports.cases')} error={errors.field('caseIds')}>
        <DataTable<Case>
          caption={t('reports.cases')}
          loading={cases.loading}
          rows={rows}
          rowKey={(c) => c.id}
          empty={t('reports.noCandidates')}
          columns={[
            {
              key: 'pick',
              header: (
                <input
                  type="checkbox"
                  aria-label={t('reports.chooseAll')}
                  checked={all}
                  onChange={(e) => setChosen(e.target.checked ? rows.map((c) => c.id) : [])}
                />
              ),
              render: (c) => (
                <input
                  type="checkbox"
                  aria-label={t('reports.chooseCase', { id: c.contentId })}
                  checked={chosen.includes(c.id)}
                  onChange={(e) => toggle(c.id, e.target.checked)}
                />
              ),
            },
            {
              key: 'content',
              header: t('cases.colContent'),
              render: (c) => (
                <Link to={`/console/cases/${c.id}`}>
                  <span className="mono">{c.contentId}</span>
                </Link>
              ),
            },
            {
              key: 'category',
              header: t('cases.colCategory'),
              render: (c) => labels.screeningCategory(c.topCategory),
            },
            {
              key: 'status',
              header: t('cases.colStatus'),
              render: (c) => <CaseStatus status={c.status} />,
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
          ]}
        />
      </FieldGroup>
      <div className="form-grid">
        <TextField
          label={t('reports.authority')}
          hint={t('reports.authorityHint')}
          value={authority}
          onChange={setAuthority}
          error={errors.field('authority')}
          required
          maxLength={200}
        />
      </div>
    </FormPanel>
  );
}

function RecordSubmission({
  report,
  onCancel,
  onDone,
}: {
  report: Report;
  onCancel: () => void;
  onDone: (r: Report) => void;
}) {
  const { t } = useTranslation();
  const [submittedTo, setSubmittedTo] = useState(report.authority);
  const [receipt, setReceipt] = useState('');
  const { errors, busy, run } = useSubmit(['submittedTo', 'receipt']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(
      async () => {
        onDone(
          await call(
            api.POST('/api/v1/reports/{id}/submission', {
              params: { path: { id: report.id } },
              body: { submittedTo: submittedTo.trim(), receipt: receipt.trim() || undefined },
            }),
          ),
        );
      },
      { staysBusy: true },
    );
  };

  return (
    <FormPanel
      titleId="record-title"
      title={t('reports.recordTitle', { number: report.number })}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('reports.recordSubmit')}
      busy={busy}
      onCancel={onCancel}
    >
      <div className="form-grid">
        <TextField
          label={t('reports.submittedTo')}
          value={submittedTo}
          onChange={setSubmittedTo}
          error={errors.field('submittedTo')}
          autoFocus
          required
          maxLength={200}
        />
        <TextField
          label={t('reports.receipt')}
          hint={t('reports.receiptHint')}
          value={receipt}
          onChange={setReceipt}
          error={errors.field('receipt')}
          maxLength={500}
        />
      </div>
    </FormPanel>
  );
}
