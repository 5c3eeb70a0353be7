import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router-dom';
import { api, ApiError, call, type Subject, type Transfer } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { CheckboxField, FieldGroup, SelectField, TextField } from '../components/form-field.js';
import { FormActions, FormPanel } from '../components/form-panel.js';
import { Loading } from '../components/loading.js';
import { PurposeDialog } from '../components/purpose-dialog.js';
import { download } from '../download.js';
import { useErrorText } from '../error-text.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useLabels } from '../labels.js';
import { useCategories, useReasonText, useRuleText } from '../rules-data.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

type Field = Subject['fields'][number];
type Asking =
  { kind: 'reveal'; fields: string[] | null; label: string } | { kind: 'export'; format: 'json' | 'csv' };

// PIPL 13: the lawful bases a provision to a third party may rest on.
const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_duty',
  'emergency',
  'news',
  'public_information',
  'other_law',
] as const;
type LegalBasis = (typeof LEGAL_BASES)[number];

/**
 * One subject: masked fields; plaintext only after a stated purpose (each field read is audited with it)
 * and only while the page is open; export, recorded transfers, and erasure by crypto-shredding.
 */
export function SubjectPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  useTitle(t('subjects.subjectTitle'));
  const dt = useDateTime();
  const labels = useLabels();
  const errorText = useErrorText();
  const reasonText = useReasonText(useRuleText(useCategories()));
  const { can } = useSignedIn();
  const subject = useLoad(() => call(api.GET('/api/v1/subjects/{id}', { params: { path: { id } } })), [id]);
  // Plaintext lives in this component's state only: leaving the page forgets it.
  const [plain, setPlain] = useState<Record<string, string>>({});
  const [asking, setAsking] = useState<Asking | null>(null);
  const [askError, setAskError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [lastPurpose, setLastPurpose] = useState('');
  // Arriving from the create form, the page says the subject was stored.
  const created = !!(useLocation().state as { created?: boolean } | null)?.created;
  const [notice, setNotice] = useState<string | null>(created ? t('subjects.created') : null);

  const s = subject.data;
  const erased = !!s?.erasedAt;
  const canReveal = can('subjects:reveal') && !erased;

  const ask = (a: Asking) => {
    setAskError(null);
    setNotice(null);
    setAsking(a);
  };

  const answer = async (purpose: string) => {
    if (!asking) return;
    setBusy(true);
    setAskError(null);
    try {
      if (asking.kind === 'reveal') {
        const r = await call(
          api.POST('/api/v1/subjects/{id}/reveal', {
            params: { path: { id } },
            body: { purpose, fields: asking.fields ?? undefined },
          }),
        );
        setPlain((p) => ({ ...p, ...Object.fromEntries(r.items.map((f) => [f.name, f.value])) }));
        setNotice(t('subjects.revealed', { count: r.items.length }));
      } else {
        const qs = new URLSearchParams({ purpose, format: asking.format });
        await download(
          `/api/v1/subjects/${encodeURIComponent(id)}/export?${qs}`,
          `subject-${id}.${asking.format}`,
        );
        setNotice(t('subjects.exported'));
      }
      setLastPurpose(purpose);
      setAsking(null);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'erased') {
        setAsking(null);
        subject.reload();
      }
      // A denial names what is missing (no consent, a category the purpose does not cover), in words.
      const reasons = err instanceof ApiError ? err.details.reasons : undefined;
      if (err instanceof ApiError && err.code === 'purpose_denied' && Array.isArray(reasons))
        setAskError(
          t('subjects.denied', {
            reasons: reasons.map((r) => reasonText(String(r))).join(' '),
          }),
        );
      else setAskError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (!s)
    return (
      <div className="page">
        <p>
          <Link to="/console/subjects">{t('subjects.back')}</Link>
        </p>
        <h1>{t('subjects.subjectTitle')}</h1>
        {subject.error ? <ErrorBanner error={subject.error} /> : <Loading />}
      </div>
    );

  const revealedCount = Object.keys(plain).length;
  return (
    <div className="page">
      <p>
        <Link to="/console/subjects">{t('subjects.back')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {t('subjects.subjectTitle')} <span className="mono title-id">{s.id.slice(0, 8)}</span>
        </h1>
        {can('audit:read') ? (
          <Link
            className="button"
            to={`/console/audit?${new URLSearchParams({ targetType: 'subject', targetId: s.id })}`}
          >
            {t('subjects.seeAudit')}
          </Link>
        ) : null}
      </div>
      {erased ? (
        <p className="warning" role="status">
          {t('subjects.erasedNotice', { at: dt(s.erasedAt) })}
        </p>
      ) : null}
      <dl className="facts">
        <dt>{t('subjects.id')}</dt>
        <dd className="mono">{s.id}</dd>
        <dt>{t('subjects.externalId')}</dt>
        <dd>{s.externalId ?? t('common.none')}</dd>
        <dt>{t('subjects.colCreated')}</dt>
        <dd>{dt(s.createdAt)}</dd>
        <dt>{t('subjects.colUpdated')}</dt>
        <dd>{dt(s.updatedAt)}</dd>
      </dl>

      <div className="section-head">
        <h2>{t('subjects.fields')}</h2>
        <div className="button-row">
          {canReveal && s.fields.length ? (
            <button
              type="button"
              className="button"
              onClick={() => ask({ kind: 'reveal', fields: null, label: t('subjects.revealAll') })}
            >
              {t('subjects.revealAll')}
            </button>
          ) : null}
          {revealedCount ? (
            <button type="button" className="button" onClick={() => setPlain({})}>
              {t('subjects.hideAll')}
            </button>
          ) : null}
        </div>
      </div>
      <p className="field-hint">{t('subjects.revealHint')}</p>
      <Notice>{notice}</Notice>
      {!asking ? <ErrorBanner message={askError} /> : null}
      <DataTable<Field>
        caption={t('subjects.fields')}
        rows={s.fields}
        rowKey={(f) => f.name}
        empty={erased ? t('subjects.erased') : t('common.empty')}
        columns={[
          { key: 'name', header: t('subjects.colName'), render: (f) => <code>{f.name}</code> },
          {
            key: 'value',
            header: t('subjects.colValue'),
            render: (f) =>
              f.name in plain ? (
                <span className="mono revealed">{plain[f.name]}</span>
              ) : (
                <span className="mono">{f.masked}</span>
              ),
          },
          ...(canReveal
            ? [
                {
                  key: 'actions',
                  header: t('common.actions'),
                  render: (f: Field) =>
                    f.name in plain ? (
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={t('subjects.hideField', { name: f.name })}
                        onClick={() =>
                          setPlain((p) => {
                            const { [f.name]: _gone, ...rest } = p;
                            return rest;
                          })
                        }
                      >
                        {t('common.hide')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={t('subjects.revealField', { name: f.name })}
                        onClick={() =>
                          ask({
                            kind: 'reveal',
                            fields: [f.name],
                            label: t('subjects.revealField', { name: f.name }),
                          })
                        }
                      >
                        {t('subjects.reveal')}
                      </button>
                    ),
                },
              ]
            : []),
          {
            key: 'type',
            header: t('subjects.colType'),
            render: (f) => (
              <>
                {labels.piiType(f.type)}
                <br />
                <span className="muted">{labels.piiCategory(f.category)}</span>
              </>
            ),
          },
          {
            key: 'sensitivity',
            header: t('subjects.colSensitivity'),
            render: (f) =>
              f.sensitive ? (
                <span className="badge badge-warn">{t('subjects.sensitive')}</span>
              ) : (
                <span className="badge">{t('subjects.general')}</span>
              ),
          },
          {
            key: 'updated',
            header: t('subjects.colUpdated'),
            className: 'nowrap',
            render: (f) => dt(f.updatedAt),
          },
        ]}
      />

      {can('subjects:export') && !erased ? (
        <>
          <h2>{t('subjects.export')}</h2>
          <p className="field-hint">{t('subjects.exportHint')}</p>
          <div className="button-row">
            <button type="button" className="button" onClick={() => ask({ kind: 'export', format: 'json' })}>
              {t('subjects.exportJson')}
            </button>
            <button type="button" className="button" onClick={() => ask({ kind: 'export', format: 'csv' })}>
              {t('subjects.exportCsv')}
            </button>
          </div>
        </>
      ) : null}

      {can('transfers:read') ? <Transfers subject={s} writable={can('transfers:write') && !erased} /> : null}
      {can('subjects:erase') && !erased ? <Erase subject={s} onErased={subject.reload} /> : null}

      {asking ? (
        <PurposeDialog
          title={
            asking.kind === 'reveal'
              ? asking.label
              : asking.format === 'json'
                ? t('subjects.exportJson')
                : t('subjects.exportCsv')
          }
          intro={t('subjects.purposeIntro')}
          submitLabel={asking.kind === 'reveal' ? t('subjects.reveal') : t('subjects.download')}
          initialPurpose={lastPurpose}
          error={askError}
          busy={busy}
          onSubmit={answer}
          onCancel={() => setAsking(null)}
        />
      ) : null}
    </div>
  );
}

function Transfers({ subject, writable }: { subject: Subject; writable: boolean }) {
  const { t } = useTranslation();
  const dt = useDateTime();
  const labels = useLabels();
  const id = subject.id;
  const list = useLoad(
    () => call(api.GET('/api/v1/subjects/{id}/transfers', { params: { path: { id } } })),
    [id],
  );
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="transfers-title">
      <div className="section-head">
        <h2 id="transfers-title">{t('transfers.title')}</h2>
        {writable && !open ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setOpen(true);
              setNotice(null);
            }}
          >
            {t('transfers.record')}
          </button>
        ) : null}
      </div>
      <p className="field-hint">{t('transfers.intro')}</p>
      <Notice>{notice}</Notice>
      {open ? (
        <TransferForm
          subject={subject}
          onCancel={() => setOpen(false)}
          onDone={(tr) => {
            setOpen(false);
            setNotice(t('transfers.recorded', { recipient: tr.recipient }));
            list.reload();
          }}
        />
      ) : null}
      <ErrorBanner error={list.error} />
      <DataTable<Transfer>
        caption={t('transfers.title')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(tr) => tr.id}
        empty={t('transfers.none')}
        columns={[
          {
            key: 'recipient',
            header: t('transfers.recipient'),
            render: (tr) => <strong>{tr.recipient}</strong>,
          },
          { key: 'purpose', header: t('transfers.purpose'), render: (tr) => tr.purpose },
          {
            key: 'categories',
            header: t('transfers.categories'),
            render: (tr) => tr.categories.map((c) => labels.piiCategory(c)).join(t('transfers.listSep')),
          },
          {
            key: 'basis',
            header: t('transfers.legalBasis'),
            render: (tr) => t(`transfers.bases.${tr.legalBasis}`, { defaultValue: tr.legalBasis }),
          },
          { key: 'at', header: t('transfers.at'), className: 'nowrap', render: (tr) => dt(tr.createdAt) },
        ]}
      />
    </section>
  );
}

function TransferForm({
  subject,
  onCancel,
  onDone,
}: {
  subject: Subject;
  onCancel: () => void;
  onDone: (t: Transfer) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  // Only the register's categories can be provided: an organisation identifier is no personal information.
  const known = useCategories();
  const categories = useMemo(
    () =>
      [...new Set(subject.fields.map((f) => f.category))].filter((c) => known.some((k) => k.id === c)).sort(),
    [subject, known],
  );
  const [recipient, setRecipient] = useState('');
  const [purpose, setPurpose] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [basis, setBasis] = useState<LegalBasis>('consent');
  const { errors, busy, run } = useSubmit(['recipient', 'purpose', 'categories', 'legalBasis']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (!chosen.length) return errors.set('categories', t('transfers.chooseCategory'));
    await run(async () => {
      onDone(
        await call(
          api.POST('/api/v1/subjects/{id}/transfers', {
            params: { path: { id: subject.id } },
            body: { recipient, purpose, categories: chosen as never, legalBasis: basis },
          }),
        ),
      );
    });
  };

  return (
    <FormPanel
      titleId="transfer-form-title"
      title={t('transfers.formTitle')}
      level={3}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('transfers.submit')}
      busy={busy}
      onCancel={onCancel}
    >
      <div className="form-grid">
        <TextField
          label={t('transfers.recipient')}
          hint={t('transfers.recipientHint')}
          value={recipient}
          onChange={setRecipient}
          error={errors.field('recipient')}
          required
          autoFocus
          maxLength={200}
        />
        <TextField
          label={t('transfers.purpose')}
          value={purpose}
          onChange={setPurpose}
          error={errors.field('purpose')}
          required
          minLength={2}
          maxLength={200}
        />
        <SelectField
          label={t('transfers.legalBasis')}
          value={basis}
          onChange={(v) => setBasis(v as LegalBasis)}
          error={errors.field('legalBasis')}
          options={LEGAL_BASES.map((b) => ({ value: b, label: t(`transfers.bases.${b}`) }))}
        />
      </div>
      <FieldGroup legend={t('transfers.categories')} error={errors.field('categories')}>
        <div className="checks">
          {categories.map((c) => (
            <CheckboxField
              key={c}
              label={labels.piiCategory(c)}
              checked={chosen.includes(c)}
              onChange={(on) => setChosen((x) => (on ? [...x, c] : x.filter((y) => y !== c)))}
            />
          ))}
        </div>
      </FieldGroup>
    </FormPanel>
  );
}

/** Erasure destroys the subject's data key; it cannot be undone, so the word must be typed. */
function Erase({ subject, onErased }: { subject: Subject; onErased: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const { errors, busy, run } = useSubmit(['reason']);
  const word = t('erase.word');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (reason.trim().length < 2) return errors.set('reason', t('erase.reasonNeeded'));
    if (typed.trim() !== word) return errors.set('confirm', t('erase.typeMismatch', { word }));
    await run(
      async () => {
        await call(
          api.DELETE('/api/v1/subjects/{id}', {
            params: { path: { id: subject.id }, query: { reason: reason.trim() } },
          }),
        );
        onErased();
      },
      { staysBusy: true },
    );
  };

  return (
    <section className="danger-zone" aria-labelledby="erase-title">
      <h2 id="erase-title">{t('erase.title')}</h2>
      <p>{t('erase.intro')}</p>
      {!open ? (
        <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
          {t('erase.start')}
        </button>
      ) : (
        <form onSubmit={submit}>
          <ErrorBanner message={errors.banner} />
          <div className="form-grid">
            <TextField
              label={t('erase.reason')}
              hint={t('erase.reasonHint')}
              value={reason}
              onChange={setReason}
              error={errors.field('reason')}
              autoFocus
              required
              minLength={2}
              maxLength={200}
            />
            <TextField
              label={t('erase.confirm', { word })}
              value={typed}
              onChange={setTyped}
              error={errors.field('confirm')}
              autoComplete="off"
              spellCheck={false}
              required
            />
          </div>
          <FormActions
            submitLabel={t('erase.submit')}
            submitClassName="button button-danger"
            busy={busy}
            onCancel={() => setOpen(false)}
          />
        </form>
      )}
    </section>
  );
}
