import { focusFirstProblem } from '../focus.js';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { paths } from '../../client/schema.js';
import { api, ApiError, call } from '../api.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { TextField } from '../components/form-field.js';
import { Loading } from '../components/loading.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useRuleText } from '../rules-data.js';
import { RulesDiffView } from '../rules-diff.js';
import { RulesBody } from '../rules-view.js';

type Preview = paths['/api/v1/rules/preview']['get']['responses'][200]['content']['application/json'];

/**
 * Publication in two steps: first the rules as they would be published, their changes against the version
 * in force and the consents they would require again (PIPL 14); then publish with an effective date.
 */
export function PublishPanel({ onPublished }: { onPublished: () => void }) {
  const { t } = useTranslation();
  const dt = useDateTime();
  const errorText = useErrorText();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [loading, setLoading] = useState(false);
  const [effective, setEffective] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [banner, setBanner] = useState<string | null>(null);
  const [published, setPublished] = useState<{ version: number; effectiveAt: string } | null>(null);

  const load = async () => {
    setBanner(null);
    setPublished(null);
    setLoading(true);
    try {
      setPreview(await call(api.GET('/api/v1/rules/preview')));
    } catch (err) {
      setBanner(errorText(err));
    } finally {
      setLoading(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setBanner(null);
    const at = effective ? new Date(effective) : null;
    if (at && Number.isNaN(at.getTime())) return setError(t('common.required'));
    setBusy(true);
    try {
      const r = await call(
        api.POST('/api/v1/rules/publish', { body: at ? { effectiveAt: at.toISOString() } : {} }),
      );
      setPublished({ version: r.version, effectiveAt: r.effectiveAt });
      setPreview(null);
      setEffective('');
      onPublished();
    } catch (err) {
      if (err instanceof ApiError && err.field === 'effectiveAt') setError(errorText(err));
      else setBanner(errorText(err));
      focusFirstProblem();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="publish-title">
      <h2 id="publish-title">{t('register.publishTitle')}</h2>
      <p>{t('register.publishIntro')}</p>
      <ErrorBanner message={banner} />
      {published ? (
        <Notice>
          {t('register.publishedNote', { version: published.version, date: dt(published.effectiveAt) })}{' '}
          <a href={`/rules/versions/${published.version}`}>{t('register.viewPublic')}</a>
        </Notice>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={load} disabled={loading}>
          {preview ? t('register.previewAgain') : t('register.preview')}
        </button>
      </div>
      {loading && !preview ? <Loading /> : null}
      {preview ? (
        <>
          <PreviewBody preview={preview} />
          <form onSubmit={submit} noValidate aria-label={t('register.publishTitle')}>
            <div className="form-grid">
              <TextField
                type="datetime-local"
                label={t('register.effectiveAt')}
                hint={t('register.effectiveHint')}
                value={effective}
                onChange={setEffective}
                error={error}
              />
            </div>
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={busy}>
                {t('register.publishVersion', { version: preview.preview.version })}
              </button>
            </div>
          </form>
        </>
      ) : null}
    </section>
  );
}

function PreviewBody({ preview }: { preview: Preview }) {
  const { t } = useTranslation();
  const text = useRuleText([...preview.preview.categories, ...(preview.current?.categories ?? [])]);
  const names = new Map(preview.preview.purposes.map((p) => [p.key, text.name(p)]));
  const sep = t('publicRules.listSeparator');
  return (
    <div className="publish-preview">
      <section aria-labelledby="preview-changes">
        <h3 id="preview-changes">
          {preview.current
            ? t('register.previewChanges', {
                from: preview.current.version,
                to: preview.preview.version,
              })
            : t('register.previewFirst', { version: preview.preview.version })}
        </h3>
        {preview.current ? (
          <RulesDiffView from={preview.current} to={preview.preview} idPrefix="preview-diff" />
        ) : null}
      </section>
      <section aria-labelledby="preview-reconsent">
        <h3 id="preview-reconsent">{t('register.reconsentTitle')}</h3>
        {preview.reconsent.length ? (
          <>
            <p>{t('register.reconsentIntro')}</p>
            <ul>
              {preview.reconsent.map((w) => (
                <li key={w.purpose}>
                  <strong>{names.get(w.purpose) ?? w.purpose}</strong>:{' '}
                  {[
                    w.categories.length
                      ? t('register.reconsentCategories', { list: w.categories.map(text.category).join(sep) })
                      : null,
                    w.methods.length
                      ? t('register.reconsentMethods', {
                          list: w.methods.map((m) => t(`rulesText.method.${m}`)).join(sep),
                        })
                      : null,
                    w.recipients.length
                      ? t('register.reconsentRecipients', { list: w.recipients.join(sep) })
                      : null,
                  ]
                    .filter(Boolean)
                    .join(t('register.reconsentJoin'))}
                  {' — '}
                  {t('register.reconsentCount', { count: w.consenting })}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t('register.reconsentNone')}</p>
        )}
      </section>
      <details className="preview-text">
        <summary>{t('register.previewText', { version: preview.preview.version })}</summary>
        <div className="rules">
          <RulesBody rules={preview.preview} />
        </div>
      </details>
    </div>
  );
}
