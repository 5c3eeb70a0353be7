import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { CheckboxField, TextField } from '../components/form-field.js';
import { useDateTime } from '../format.js';
import { useFormErrors } from '../form-errors.js';
import { useCategories, useReasonText, useRuleText, type Consent } from '../rules-data.js';
import { useSignedIn } from '../session.js';
import { ConsentImport } from './consent-import.js';
import { useTitle } from '../use-title.js';

/** The consent ledger of one subject, newest first; and, for those allowed, a purpose check tester. */
export function ConsentsPage() {
  const { t } = useTranslation();
  useTitle(t('consents.title'));
  const dt = useDateTime();
  const { can } = useSignedIn();
  const [subject, setSubject] = useState('');
  const [rows, setRows] = useState<Consent[] | undefined>();
  const [loading, setLoading] = useState(false);
  const errors = useFormErrors(['subject']);

  const lookUp = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (!subject.trim()) return errors.set('subject', t('common.required'));
    setLoading(true);
    try {
      const r = await call(api.GET('/api/v1/consents', { params: { query: { subject: subject.trim() } } }));
      setRows(r.items);
    } catch (err) {
      setRows(undefined);
      errors.show(err);
    } finally {
      setLoading(false);
    }
  };

  return (
    <div className="page">
      <h1>{t('consents.title')}</h1>
      <p className="lead">{t('consents.intro')}</p>
      <ErrorBanner message={errors.banner} />
      <form onSubmit={lookUp} className="filters" noValidate>
        <TextField
          label={t('consents.subject')}
          value={subject}
          onChange={setSubject}
          error={errors.field('subject')}
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          required
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={loading}>
            {t('consents.lookUp')}
          </button>
        </div>
      </form>
      {rows || loading ? (
        <DataTable<Consent>
          caption={t('consents.caption')}
          loading={loading}
          rows={rows}
          rowKey={(c) => c.id}
          empty={t('consents.empty')}
          columns={[
            { key: 'at', header: t('consents.colAt'), className: 'nowrap', render: (c) => dt(c.createdAt) },
            { key: 'purpose', header: t('consents.colPurpose'), render: (c) => <code>{c.purpose}</code> },
            {
              key: 'given',
              header: t('consents.colGiven'),
              render: (c) =>
                c.given ? (
                  <span className="badge badge-ok">{t('consents.given')}</span>
                ) : (
                  <span className="badge">{t('consents.withdrawn')}</span>
                ),
            },
            {
              key: 'version',
              header: t('consents.colVersion'),
              render: (c) => <a href={`/rules/versions/${c.rulesVersion}`}>{c.rulesVersion}</a>,
            },
            {
              key: 'channel',
              header: t('consents.colChannel'),
              render: (c) => t(`myConsents.channels.${c.channel}`, { defaultValue: c.channel }),
            },
            {
              key: 'separate',
              header: t('consents.colSeparate'),
              render: (c) =>
                c.separate.length
                  ? c.separate
                      .map((k) => t(`consents.separate.${k}`, { defaultValue: k }))
                      .join(t('publicRules.listSeparator'))
                  : t('common.none'),
            },
          ]}
        />
      ) : null}
      {can('purpose:check') ? <PurposeCheck initialSubject={subject} /> : null}
      {can('consents:write') ? <ConsentImport /> : null}
    </div>
  );
}

function PurposeCheck({ initialSubject }: { initialSubject: string }) {
  const { t } = useTranslation();
  const categoryList = useCategories();
  const text = useRuleText(categoryList);
  const [subject, setSubject] = useState(initialSubject);
  const [purpose, setPurpose] = useState('');
  const [categories, setCategories] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ allowed: boolean; reasons: string[] } | null>(null);
  const errors = useFormErrors(['subject', 'purpose', 'categories']);
  const reasonText = useReasonText(text);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setResult(null);
    if (!subject.trim()) errors.set('subject', t('common.required'));
    if (!purpose.trim()) errors.set('purpose', t('common.required'));
    if (!subject.trim() || !purpose.trim()) return;
    setBusy(true);
    try {
      const r = await call(
        api.POST('/api/v1/purpose-check', {
          // The categories offered are the register's own, which the check accepts.
          body: { subject: subject.trim(), purpose: purpose.trim(), categories: categories as never },
        }),
      );
      setResult({ allowed: r.allowed, reasons: r.reasons.map(String) });
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="check-title">
      <h2 id="check-title">{t('consents.checkTitle')}</h2>
      <p>{t('consents.checkIntro')}</p>
      <ErrorBanner message={errors.banner} />
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <TextField
            label={t('consents.subject')}
            value={subject}
            onChange={setSubject}
            error={errors.field('subject')}
            autoComplete="off"
            required
          />
          <TextField
            label={t('consents.purpose')}
            value={purpose}
            onChange={setPurpose}
            error={errors.field('purpose')}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </div>
        <fieldset className="field-group">
          <legend>{t('consents.categories')}</legend>
          {errors.field('categories') ? <p className="field-error">{errors.field('categories')}</p> : null}
          {categoryList.map((c) => (
            <CheckboxField
              key={c.id}
              label={text.category(c.id)}
              checked={categories.includes(c.id)}
              onChange={(on) =>
                setCategories((cs) =>
                  on ? [...cs.filter((x) => x !== c.id), c.id] : cs.filter((x) => x !== c.id),
                )
              }
            />
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('consents.check')}
          </button>
        </div>
      </form>
      {result ? (
        <div className={`banner ${result.allowed ? 'banner-ok' : 'banner-error'}`} role="status">
          <strong>{result.allowed ? t('consents.allowed') : t('consents.refused')}</strong>
          {result.reasons.length ? (
            <ul>
              {result.reasons.map((r, i) => (
                <li key={i}>{reasonText(r)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
