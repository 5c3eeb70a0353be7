import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import type { paths } from '../../client/schema.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { CheckboxField, SelectField } from '../components/form-field.js';
import { useFormErrors } from '../form-errors.js';

type Result = paths['/api/v1/consents/import']['post']['responses'][200]['content']['application/json'];
type RowError = Result['errors'][number];

/** Imports are capped at 10 MB on the server; the page says so before sending. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * Bulk import of consents given before Custodian (PIPL 14): choose a CSV or JSONL file, try it as a dry
 * run, then import; bad rows are listed by line and field (the server never echoes a subject).
 */
export function ConsentImport() {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState<string | null>(null);
  const [data, setData] = useState<string | null>(null);
  const [format, setFormat] = useState<'csv' | 'jsonl'>('csv');
  const [atomic, setAtomic] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const errors = useFormErrors(['data', 'format']);

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    errors.clear();
    setResult(null);
    if (!f) return;
    if (f.size > MAX_BYTES) {
      setData(null);
      setName(null);
      return errors.set('data', t('consentImport.tooLarge'));
    }
    setData(await f.text());
    setName(f.name);
    setFormat(/\.jsonl?$/i.test(f.name) ? 'jsonl' : 'csv');
  };

  const send = async (dryRun: boolean) => {
    errors.clear();
    setResult(null);
    if (data === null) return errors.set('data', t('consentImport.chooseFirst'));
    setBusy(true);
    try {
      setResult(await call(api.POST('/api/v1/consents/import', { body: { format, data, dryRun, atomic } })));
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(false);
  };

  const summary = (r: Result) =>
    r.dryRun
      ? t('consentImport.dryRunSummary', {
          received: r.received,
          valid: r.valid,
          failed: r.failed,
          duplicates: r.duplicates,
        })
      : t('consentImport.summary', {
          received: r.received,
          imported: r.imported,
          failed: r.failed,
          duplicates: r.duplicates,
        });

  return (
    <section className="panel" aria-labelledby="consent-import-title">
      <h2 id="consent-import-title">{t('consentImport.title')}</h2>
      <p>{t('consentImport.intro')}</p>
      <ErrorBanner message={errors.banner} />
      <form onSubmit={submit} noValidate>
        <div className={`field${errors.field('data') ? ' field-invalid' : ''}`}>
          <label htmlFor="consent-import-file">{t('consentImport.file')}</label>
          <input
            id="consent-import-file"
            type="file"
            accept=".csv,.jsonl,.json,text/csv,application/json"
            onChange={choose}
            aria-invalid={errors.field('data') ? true : undefined}
            aria-describedby="consent-import-file-hint"
          />
          <p className="field-hint" id="consent-import-file-hint" role="status">
            {name ? t('consentImport.loaded', { name }) : t('consentImport.fileHint')}
          </p>
          <p className="field-hint">
            <code>subject,purpose,given,rulesVersion,channel,time,separate,evidence</code>
          </p>
          {errors.field('data') ? <p className="field-error">{errors.field('data')}</p> : null}
        </div>
        <div className="form-grid">
          <SelectField
            label={t('consentImport.format')}
            value={format}
            onChange={(v) => setFormat(v as 'csv' | 'jsonl')}
            error={errors.field('format')}
            options={[
              { value: 'csv', label: 'CSV' },
              { value: 'jsonl', label: 'JSONL' },
            ]}
          />
          <CheckboxField
            label={t('consentImport.atomic')}
            hint={t('consentImport.atomicHint')}
            checked={atomic}
            onChange={setAtomic}
          />
        </div>
        <div className="form-actions">
          <button type="button" className="button" disabled={busy} onClick={() => void send(true)}>
            {t('consentImport.dryRun')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('consentImport.import')}
          </button>
        </div>
      </form>
      {result ? (
        <div
          className={`banner ${result.failed ? 'banner-error' : 'banner-ok'}`}
          role="status"
          data-testid="consent-import-result"
        >
          <strong>{summary(result)}</strong>
          {!result.dryRun && result.failed && result.atomic && !result.imported ? (
            <p>{t('consentImport.nothingWritten')}</p>
          ) : null}
        </div>
      ) : null}
      {result?.errors.length ? (
        <>
          <DataTable<RowError>
            caption={t('consentImport.errorsCaption')}
            rows={result.errors}
            rowKey={(e) => `${e.row}:${e.field}:${e.code}`}
            columns={[
              { key: 'row', header: t('consentImport.colRow'), className: 'nowrap', render: (e) => e.row },
              { key: 'field', header: t('consentImport.colField'), render: (e) => <code>{e.field}</code> },
              {
                key: 'message',
                header: t('consentImport.colProblem'),
                // English shows the server's own words (with their detail); Chinese the problem by its code.
                render: (e) =>
                  i18n.language.startsWith('en')
                    ? e.message
                    : t(`consentImport.codes.${e.code}`, { defaultValue: e.message }),
              },
            ]}
          />
          {result.errorsTruncated ? <p className="field-hint">{t('consentImport.truncated')}</p> : null}
        </>
      ) : null}
    </section>
  );
}
