import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, call } from '../api.js';
import { ErrorBanner } from '../components/error-banner.js';
import { SelectField, TextField } from '../components/form-field.js';
import { AddRowButton, RowFieldset } from '../components/row-fieldset.js';
import { FormActions } from '../components/form-panel.js';
import { useErrorText } from '../error-text.js';
import { FIELD_TYPES, useLabels, type FieldType } from '../labels.js';
import { useCategories, useRuleText } from '../rules-data.js';
import { useTitle } from '../use-title.js';

interface Row {
  key: number;
  name: string;
  type: FieldType;
  value: string;
  category: string;
}
type RowErrors = Partial<Record<'name' | 'value' | 'category', string>>;

/** A name the type suggests, so a phone is called `phone` unless staff say otherwise. */
const SUGGESTED: Partial<Record<FieldType, string>> = {
  PHONE_NUMBER: 'phone',
  EMAIL_ADDRESS: 'email',
  CN_RESIDENT_ID: 'resident_id',
  PASSPORT: 'passport',
  CN_HMT_PERMIT: 'hmt_permit',
  BANK_CARD: 'bank_card',
  PERSON_NAME: 'name',
  ADDRESS: 'address',
  BIRTH_DATE: 'birth_date',
  IP_ADDRESS: 'ip',
  LICENSE_PLATE: 'licence_plate',
  GEO_COORDINATES: 'location',
  CN_USCC: 'uscc',
};
const NAME = /^[a-z][a-z0-9_]*$/;

/** Stores a subject's personal information: one row per field, each encrypted on the server. */
export function SubjectNewPage() {
  const { t } = useTranslation();
  useTitle(t('subjects.newTitle'));
  const labels = useLabels();
  const categories = useCategories();
  const ruleText = useRuleText(categories);
  const errorText = useErrorText();
  const navigate = useNavigate();
  const nextKey = useRef(2);
  const [externalId, setExternalId] = useState('');
  const [rows, setRows] = useState<Row[]>([
    { key: 1, name: 'phone', type: 'PHONE_NUMBER', value: '', category: '' },
  ]);
  const [rowErrors, setRowErrors] = useState<Record<number, RowErrors>>({});
  const [externalError, setExternalError] = useState<string>();
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (key: number, patch: Partial<Row>) =>
    setRows((rs) =>
      rs.map((r) => {
        if (r.key !== key) return r;
        const next = { ...r, ...patch };
        // A name still equal to the old type's suggestion follows the new type.
        if (patch.type && (!r.name || r.name === SUGGESTED[r.type])) next.name = SUGGESTED[patch.type] ?? '';
        return next;
      }),
    );

  const add = () => {
    const key = nextKey.current++;
    setRows((rs) => {
      // A resident ID is the usual second field; its suggested name unless a row has it already.
      const type: FieldType = 'CN_RESIDENT_ID';
      const name = rs.some((x) => x.name === SUGGESTED[type]) ? '' : SUGGESTED[type]!;
      return [...rs, { key, name, type, value: '', category: '' }];
    });
  };

  const remove = (key: number) => setRows((rs) => rs.filter((r) => r.key !== key));

  /** A server error names `fields.<name>` (a value failed its check) or `fields.<index>.<prop>` (schema). */
  const placeError = (err: unknown): boolean => {
    if (!(err instanceof ApiError) || !err.field) return false;
    if (err.field === 'externalId') {
      setExternalError(errorText(err));
      return true;
    }
    const m = /^fields\.([^.]+)(?:\.(\w+))?$/.exec(err.field);
    if (!m) return false;
    const row = /^\d+$/.test(m[1]) ? rows[Number(m[1])] : rows.find((r) => r.name === m[1]);
    if (!row) return false;
    const prop = m[2] === 'name' || m[2] === 'category' ? m[2] : 'value';
    setRowErrors({ [row.key]: { [prop]: errorText(err) } });
    return true;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBanner(null);
    setExternalError(undefined);
    const errs: Record<number, RowErrors> = {};
    const seen = new Set<string>();
    for (const r of rows) {
      const re: RowErrors = {};
      if (!NAME.test(r.name)) re.name = t('subjects.nameRule');
      else if (seen.has(r.name)) re.name = t('subjects.nameTwice');
      seen.add(r.name);
      if (!r.value.trim()) re.value = t('common.required');
      if (r.type === 'OTHER' && !r.category) re.category = t('common.required');
      if (Object.keys(re).length) errs[r.key] = re;
    }
    setRowErrors(errs);
    if (!rows.length) return setBanner(t('subjects.noFields'));
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      const created = await call(
        api.POST('/api/v1/subjects', {
          body: {
            externalId: externalId.trim() || undefined,
            fields: rows.map((r) => ({
              name: r.name,
              type: r.type,
              value: r.value.trim(),
              category: r.type === 'OTHER' ? r.category : undefined,
            })),
          },
        }),
      );
      navigate(`/console/subjects/${created.id}`, { state: { created: true } });
    } catch (err) {
      if (!placeError(err)) setBanner(errorText(err));
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <p>
        <Link to="/console/subjects">{t('subjects.back')}</Link>
      </p>
      <h1>{t('subjects.newTitle')}</h1>
      <p className="lead">{t('subjects.newIntro')}</p>
      <ErrorBanner message={banner} />
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <TextField
            label={t('subjects.externalId')}
            hint={t('subjects.externalIdHint')}
            value={externalId}
            onChange={setExternalId}
            error={externalError}
            autoComplete="off"
            spellCheck={false}
            maxLength={128}
          />
        </div>
        {rows.map((r, i) => (
          <RowFieldset
            key={r.key}
            legend={t('subjects.fieldN', { n: i + 1 })}
            removeLabel={t('subjects.removeField')}
            removeAriaLabel={t('subjects.removeFieldN', { n: i + 1 })}
            onRemove={rows.length > 1 ? () => remove(r.key) : undefined}
          >
            <div className="form-grid">
              <SelectField
                label={t('subjects.colType')}
                value={r.type}
                onChange={(v) => update(r.key, { type: v as FieldType })}
                options={FIELD_TYPES.map((ty) => ({ value: ty, label: labels.piiType(ty) }))}
              />
              <TextField
                label={t('subjects.colName')}
                hint={t('subjects.nameHint')}
                value={r.name}
                onChange={(v) => update(r.key, { name: v })}
                error={rowErrors[r.key]?.name}
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                maxLength={64}
                required
              />
              <TextField
                label={t('subjects.colValue')}
                value={r.value}
                onChange={(v) => update(r.key, { value: v })}
                error={rowErrors[r.key]?.value}
                autoComplete="off"
                spellCheck={false}
                maxLength={2000}
                required
                autoFocus={i === 0}
              />
              {r.type === 'OTHER' ? (
                // The register's categories only: a purpose can cover the field, and a sensitive one is marked.
                <SelectField
                  label={t('subjects.colCategory')}
                  value={r.category}
                  onChange={(v) => update(r.key, { category: v })}
                  error={rowErrors[r.key]?.category}
                  required
                  options={[
                    { value: '', label: t('subjects.chooseCategory') },
                    ...categories.map((c) => ({
                      value: c.id,
                      label: `${ruleText.category(c.id)}${c.sensitive ? t('register.sensitiveMark') : ''}`,
                    })),
                  ]}
                />
              ) : null}
            </div>
          </RowFieldset>
        ))}
        <AddRowButton label={t('subjects.addField')} onAdd={add} />
        <FormActions submitLabel={t('subjects.create')} busy={busy}>
          <Link className="button" to="/console/subjects">
            {t('common.cancel')}
          </Link>
        </FormActions>
      </form>
    </div>
  );
}
