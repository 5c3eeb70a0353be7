import { focusFirstProblem } from '../focus.js';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api.js';
import { ConfirmPrompt } from '../components/confirm-prompt.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import {
  CheckboxField,
  FieldGroup,
  SelectField,
  TextAreaField,
  TextField,
} from '../components/form-field.js';
import { FormPanel } from '../components/form-panel.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import {
  LEGAL_BASES,
  MECHANISMS,
  METHODS,
  useRuleText,
  type Category,
  type Purpose,
  type PurposeBody,
} from '../rules-data.js';
import { DIFF_FIELDS } from '../rules-diff.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { AddRowButton, RowFieldset } from '../components/row-fieldset.js';
import { PageHead } from '../components/page-head.js';
import { PublishPanel } from './publish-panel.js';

type Recipient = PurposeBody['recipients'][number] & { row: number };
type Transfer = PurposeBody['crossBorder'][number] & { row: number };
interface Draft extends Omit<PurposeBody, 'recipients' | 'crossBorder' | 'retentionDays'> {
  key: string;
  retentionDays: string;
  recipients: Recipient[];
  crossBorder: Transfer[];
}

const EMPTY: Draft = {
  key: '',
  nameZh: '',
  nameEn: '',
  descriptionZh: '',
  descriptionEn: '',
  legalBasis: 'consent',
  necessity: '',
  necessityEn: '',
  categories: [],
  methods: ['form'],
  retentionDays: '365',
  retentionAction: 'delete',
  recipients: [],
  crossBorder: [],
  publicDisclosure: false,
  minors: false,
};

/** The processing register: every purpose, a form for one, and publication of the rules. */
export function PurposesPage() {
  const { t } = useTranslation();
  useTitle(t('register.title'));
  const dt = useDateTime();
  const { can } = useSignedIn();
  const list = useLoad(() => call(api.GET('/api/v1/purposes')), []);
  const categories = list.data?.categories ?? [];
  const text = useRuleText(categories);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [archiving, setArchiving] = useState<string | null>(null);
  const [archiveError, setArchiveError] = useState<unknown>(null);
  const writer = can('purposes:write');

  const archive = async (key: string) => {
    setArchiveError(null);
    try {
      await call(api.DELETE('/api/v1/purposes/{key}', { params: { path: { key } } }));
      setArchiving(null);
      setNotice(t('register.archived', { key }));
      list.reload();
    } catch (err) {
      setArchiveError(err);
    }
  };

  const items = (list.data?.items ?? []).filter((p) => !p.archived);
  return (
    <div className="page">
      <PageHead
        title={t('register.title')}
        createLabel={t('register.create')}
        canCreate={writer && !editing}
        onCreate={() => {
          setNotice(null);
          setEditing({ ...EMPTY });
        }}
      />
      <p className="lead">{t('register.intro')}</p>
      <Notice>{notice}</Notice>
      {editing ? (
        <PurposeForm
          key={editing.key || 'new'}
          initial={editing}
          categories={categories}
          onCancel={() => setEditing(null)}
          onSaved={(key) => {
            setEditing(null);
            setNotice(t('register.saved', { key }));
            list.reload();
          }}
        />
      ) : null}
      <ErrorBanner error={list.error ?? archiveError} />
      <DataTable<Purpose>
        caption={t('register.caption')}
        loading={list.loading}
        rows={items}
        rowKey={(p) => p.key}
        empty={t('register.empty')}
        columns={[
          { key: 'key', header: t('register.colKey'), render: (p) => <code>{p.key}</code> },
          { key: 'name', header: t('register.colName'), render: (p) => text.name(p) },
          {
            key: 'basis',
            header: t('register.colBasis'),
            render: (p) => t(`rulesText.legalBasis.${p.legalBasis}`),
          },
          {
            key: 'categories',
            header: t('register.colCategories'),
            render: (p) =>
              p.categories
                .map((c) => `${text.category(c)}${text.sensitive(c) ? t('register.sensitiveMark') : ''}`)
                .join(t('publicRules.listSeparator')),
          },
          {
            key: 'updated',
            header: t('register.colUpdated'),
            className: 'nowrap',
            render: (p) => dt(p.updatedAt),
          },
          ...(writer
            ? [
                {
                  key: 'actions',
                  header: t('common.actions'),
                  render: (p: Purpose) =>
                    archiving === p.key ? (
                      <ConfirmPrompt
                        question={t('register.archiveConfirm', { key: p.key })}
                        confirmLabel={t('common.confirm')}
                        onConfirm={() => archive(p.key)}
                        onCancel={() => setArchiving(null)}
                      />
                    ) : (
                      <span className="button-row">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`${t('register.edit')} ${p.key}`}
                          onClick={() => {
                            setNotice(null);
                            setEditing(toDraft(p));
                          }}
                        >
                          {t('register.edit')}
                        </button>{' '}
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`${t('register.archive')} ${p.key}`}
                          onClick={() => setArchiving(p.key)}
                        >
                          {t('register.archive')}
                        </button>
                      </span>
                    ),
                },
              ]
            : []),
        ]}
      />
      {can('rules:publish') ? <PublishPanel onPublished={list.reload} /> : null}
    </div>
  );
}

let rowSeq = 0;
function toDraft(p: Purpose): Draft {
  return {
    key: p.key,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    descriptionZh: p.descriptionZh,
    descriptionEn: p.descriptionEn,
    legalBasis: p.legalBasis,
    necessity: p.necessity,
    necessityEn: p.necessityEn ?? '',
    categories: [...p.categories],
    methods: [...p.methods],
    retentionDays: String(p.retentionDays),
    retentionAction: p.retentionAction,
    recipients: p.recipients.map((r) => ({ ...r, categories: [...r.categories], row: ++rowSeq })),
    crossBorder: p.crossBorder.map((c) => ({ ...c, row: ++rowSeq })),
    publicDisclosure: p.publicDisclosure,
    minors: p.minors,
  };
}

/** Where a server error goes: `recipients.1.categories` beside recipient 2, `categories.0` by the checklist. */
function errorSlot(field: string): string {
  const m = /^(recipients|crossBorder)\.(\d+)/.exec(field);
  if (m) return `${m[1]}.${m[2]}`;
  return field.split('.')[0];
}

/** The form's own fields: the key and every field of a purpose (those compared between versions). */
const TOP_FIELDS: readonly string[] = ['key', ...DIFF_FIELDS];

function PurposeForm({
  initial,
  categories,
  onCancel,
  onSaved,
}: {
  initial: Draft;
  categories: Category[];
  onCancel: () => void;
  onSaved: (key: string) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const text = useRuleText(categories);
  const isNew = !initial.key;
  const [d, setD] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const top = useRef<HTMLElement>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const toggle = <T extends string>(list: T[], v: T, on: boolean) =>
    on ? [...list.filter((x) => x !== v), v] : list.filter((x) => x !== v);
  const setRecipient = (row: number, patch: Partial<Recipient>) =>
    set(
      'recipients',
      d.recipients.map((r) => (r.row === row ? { ...r, ...patch } : r)),
    );
  const setTransfer = (row: number, patch: Partial<Transfer>) =>
    set(
      'crossBorder',
      d.crossBorder.map((c) => (c.row === row ? { ...c, ...patch } : c)),
    );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBanner(null);
    const local: Record<string, string> = {};
    const key = d.key.trim();
    if (key.length < 2) local.key = t('common.required');
    if (!/^\d+$/.test(d.retentionDays.trim())) local.retentionDays = t('common.required');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    const body: PurposeBody = {
      nameZh: d.nameZh.trim(),
      nameEn: d.nameEn.trim(),
      descriptionZh: d.descriptionZh.trim(),
      descriptionEn: d.descriptionEn.trim(),
      legalBasis: d.legalBasis,
      necessity: d.necessity.trim(),
      // The English texts are sent only when written: the English rules fall back on the others.
      ...(d.necessityEn?.trim() ? { necessityEn: d.necessityEn.trim() } : {}),
      categories: d.categories,
      methods: d.methods,
      retentionDays: Number(d.retentionDays.trim()),
      retentionAction: d.retentionAction,
      recipients: d.recipients.map(({ row: _row, contract, purposeEn, nameEn, ...r }) => ({
        ...r,
        name: r.name.trim(),
        ...(nameEn?.trim() ? { nameEn: nameEn.trim() } : {}),
        purpose: r.purpose.trim(),
        ...(purposeEn?.trim() ? { purposeEn: purposeEn.trim() } : {}),
        ...(contract?.trim() ? { contract: contract.trim() } : {}),
      })),
      crossBorder: d.crossBorder.map(({ row: _row, destinationEn, recipientEn, ...c }) => ({
        ...c,
        destination: c.destination.trim(),
        ...(destinationEn?.trim() ? { destinationEn: destinationEn.trim() } : {}),
        recipient: c.recipient.trim(),
        ...(recipientEn?.trim() ? { recipientEn: recipientEn.trim() } : {}),
      })),
      publicDisclosure: d.publicDisclosure,
      minors: d.minors,
    };
    try {
      // A new purpose is created, never written over one that has its key.
      if (isNew) await call(api.POST('/api/v1/purposes', { body: { ...body, key } }));
      else await call(api.PUT('/api/v1/purposes/{key}', { params: { path: { key } }, body }));
      onSaved(key);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.field) {
        const slot = errorSlot(err.field);
        const known =
          TOP_FIELDS.includes(slot) ||
          (slot.startsWith('recipients.') && d.recipients[Number(slot.split('.')[1])]) ||
          (slot.startsWith('crossBorder.') && d.crossBorder[Number(slot.split('.')[1])]);
        if (known) {
          setErrors({ [slot]: errorText(err) });
          focusFirstProblem();
          return;
        }
      }
      setErrors({});
      setBanner(errorText(err));
      top.current?.scrollIntoView?.({ block: 'start' });
      focusFirstProblem();
    }
  };

  const categoryLabel = (c: Category) => (
    <>
      {text.zh ? c.zh : c.en}
      {c.sensitive ? (
        <>
          {' '}
          <span className="badge badge-warn">{t('rulesText.sensitive')}</span>
        </>
      ) : null}
    </>
  );

  return (
    <FormPanel
      titleId="purpose-form-title"
      title={isNew ? t('register.newTitle') : t('register.editTitle', { key: d.key })}
      banner={banner}
      onSubmit={submit}
      noValidate
      submitLabel={t('register.save')}
      busy={busy}
      onCancel={onCancel}
      panelRef={top}
    >
      <div className="form-grid">
        <TextField
          label={t('register.key')}
          hint={t('register.keyHint')}
          value={d.key}
          onChange={(v) => set('key', v)}
          error={errors.key}
          readOnly={!isNew}
          required
          autoFocus={isNew}
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
        />
        <SelectField
          label={t('register.legalBasis')}
          value={d.legalBasis}
          onChange={(v) => set('legalBasis', v as Draft['legalBasis'])}
          error={errors.legalBasis}
          options={LEGAL_BASES.map((b) => ({ value: b, label: t(`rulesText.legalBasis.${b}`) }))}
        />
        <TextField
          label={t('register.nameZh')}
          value={d.nameZh}
          onChange={(v) => set('nameZh', v)}
          error={errors.nameZh}
          required
        />
        <TextField
          label={t('register.nameEn')}
          value={d.nameEn}
          onChange={(v) => set('nameEn', v)}
          error={errors.nameEn}
          required
        />
        <TextAreaField
          label={t('register.descriptionZh')}
          value={d.descriptionZh}
          onChange={(v) => set('descriptionZh', v)}
          error={errors.descriptionZh}
          rows={3}
        />
        <TextAreaField
          label={t('register.descriptionEn')}
          value={d.descriptionEn}
          onChange={(v) => set('descriptionEn', v)}
          error={errors.descriptionEn}
          rows={3}
        />
      </div>
      <FieldGroup legend={t('register.categories')} error={errors.categories}>
        {categories.map((c) => (
          <CheckboxField
            key={c.id}
            label={categoryLabel(c)}
            checked={d.categories.includes(c.id)}
            onChange={(on) => set('categories', toggle(d.categories, c.id, on))}
          />
        ))}
      </FieldGroup>
      <div className="form-grid">
        <TextAreaField
          label={t('register.necessity')}
          hint={t('register.necessityHint')}
          value={d.necessity}
          onChange={(v) => set('necessity', v)}
          error={errors.necessity}
          rows={3}
        />
        <TextAreaField
          label={t('register.necessityEn')}
          hint={t('register.necessityEnHint')}
          value={d.necessityEn ?? ''}
          onChange={(v) => set('necessityEn', v)}
          error={errors.necessityEn}
          rows={3}
        />
      </div>
      <FieldGroup legend={t('register.methods')} error={errors.methods}>
        {METHODS.map((m) => (
          <CheckboxField
            key={m}
            label={t(`rulesText.method.${m}`)}
            checked={d.methods.includes(m)}
            onChange={(on) => set('methods', toggle(d.methods, m, on))}
          />
        ))}
      </FieldGroup>
      <div className="form-grid">
        <TextField
          label={t('register.retentionDays')}
          value={d.retentionDays}
          onChange={(v) => set('retentionDays', v)}
          error={errors.retentionDays}
          inputMode="numeric"
          required
        />
        <SelectField
          label={t('register.retentionAction')}
          value={d.retentionAction}
          onChange={(v) => set('retentionAction', v as Draft['retentionAction'])}
          error={errors.retentionAction}
          options={(['delete', 'anonymise'] as const).map((a) => ({
            value: a,
            label: t(`rulesText.retentionAction.${a}`),
          }))}
        />
      </div>
      <FieldGroup legend={t('register.recipients')} error={errors.recipients}>
        {d.recipients.map((r, i) => (
          <RowFieldset
            key={r.row}
            legend={t('register.recipientN', { n: i + 1 })}
            error={errors[`recipients.${i}`]}
            removeLabel={t('register.removeRecipient')}
            removeAriaLabel={t('register.removeRecipientN', { n: i + 1 })}
            onRemove={() =>
              set(
                'recipients',
                d.recipients.filter((x) => x.row !== r.row),
              )
            }
          >
            <div className="form-grid">
              <TextField
                label={t('register.recipientName')}
                value={r.name}
                onChange={(v) => setRecipient(r.row, { name: v })}
                required
              />
              <TextField
                label={t('register.recipientNameEn')}
                value={r.nameEn ?? ''}
                onChange={(v) => setRecipient(r.row, { nameEn: v })}
              />
              <SelectField
                label={t('register.recipientKind')}
                value={r.kind}
                onChange={(v) => setRecipient(r.row, { kind: v as Recipient['kind'] })}
                options={(['third_party', 'processor'] as const).map((k) => ({
                  value: k,
                  label: t(`rulesText.kind.${k}`),
                }))}
              />
              <TextField
                label={t('register.recipientPurpose')}
                value={r.purpose}
                onChange={(v) => setRecipient(r.row, { purpose: v })}
                required
              />
              <TextField
                label={t('register.recipientPurposeEn')}
                value={r.purposeEn ?? ''}
                onChange={(v) => setRecipient(r.row, { purposeEn: v })}
              />
              <TextField
                label={t('register.recipientContract')}
                value={r.contract ?? ''}
                onChange={(v) => setRecipient(r.row, { contract: v })}
              />
            </div>
            <FieldGroup legend={t('register.recipientCategories')}>
              {categories
                .filter((c) => d.categories.includes(c.id))
                .map((c) => (
                  <CheckboxField
                    key={c.id}
                    label={categoryLabel(c)}
                    checked={r.categories.includes(c.id)}
                    onChange={(on) => setRecipient(r.row, { categories: toggle(r.categories, c.id, on) })}
                  />
                ))}
            </FieldGroup>
          </RowFieldset>
        ))}
        <AddRowButton
          label={t('register.addRecipient')}
          onAdd={() =>
            set('recipients', [
              ...d.recipients,
              { row: ++rowSeq, name: '', kind: 'processor', purpose: '', categories: [] },
            ])
          }
        />
      </FieldGroup>
      <FieldGroup legend={t('register.crossBorder')} error={errors.crossBorder}>
        {d.crossBorder.map((c, i) => (
          <RowFieldset
            key={c.row}
            legend={t('register.transferN', { n: i + 1 })}
            error={errors[`crossBorder.${i}`]}
            removeLabel={t('register.removeTransfer')}
            removeAriaLabel={t('register.removeTransferN', { n: i + 1 })}
            onRemove={() =>
              set(
                'crossBorder',
                d.crossBorder.filter((x) => x.row !== c.row),
              )
            }
          >
            <div className="form-grid">
              <TextField
                label={t('register.destination')}
                value={c.destination}
                onChange={(v) => setTransfer(c.row, { destination: v })}
                required
              />
              <TextField
                label={t('register.destinationEn')}
                value={c.destinationEn ?? ''}
                onChange={(v) => setTransfer(c.row, { destinationEn: v })}
              />
              <TextField
                label={t('register.transferRecipient')}
                value={c.recipient}
                onChange={(v) => setTransfer(c.row, { recipient: v })}
                required
              />
              <TextField
                label={t('register.transferRecipientEn')}
                value={c.recipientEn ?? ''}
                onChange={(v) => setTransfer(c.row, { recipientEn: v })}
              />
              <SelectField
                label={t('register.mechanism')}
                value={c.mechanism}
                onChange={(v) => setTransfer(c.row, { mechanism: v as Transfer['mechanism'] })}
                options={MECHANISMS.map((m) => ({ value: m, label: t(`rulesText.mechanism.${m}`) }))}
              />
            </div>
          </RowFieldset>
        ))}
        <AddRowButton
          label={t('register.addTransfer')}
          onAdd={() =>
            set('crossBorder', [
              ...d.crossBorder,
              { row: ++rowSeq, destination: '', recipient: '', mechanism: 'standard_contract' },
            ])
          }
        />
      </FieldGroup>
      <CheckboxField
        label={t('register.publicDisclosure')}
        checked={d.publicDisclosure}
        onChange={(v) => set('publicDisclosure', v)}
        error={errors.publicDisclosure}
      />
      <CheckboxField
        label={t('register.minors')}
        checked={d.minors}
        onChange={(v) => set('minors', v)}
        error={errors.minors}
      />
    </FormPanel>
  );
}
