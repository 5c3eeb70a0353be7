import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, call, type RuleSetDetail, type RuleVersion } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { SelectField, TextAreaField, TextField } from '../components/form-field.js';
import { FormPanel } from '../components/form-panel.js';
import { HighlightedText } from '../components/highlighted-text.js';
import { Loading } from '../components/loading.js';
import { useErrorText } from '../error-text.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useLabels } from '../labels.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { Decision, RuleAction } from './case-badges.js';

const FORMATS = ['jsonl', 'csv', 'text'] as const;
type Format = (typeof FORMATS)[number];
type Tested = NonNullable<Awaited<ReturnType<typeof testRules>>>;
type Diff = Awaited<ReturnType<typeof diffVersions>>;
type Rule = Diff['added'][number];

const testRules = (id: string, version: number, text: string) =>
  call(api.POST('/api/v1/rule-sets/{id}/test', { params: { path: { id } }, body: { text, version } }));
const diffVersions = (id: string, from: number, to: number) =>
  call(api.GET('/api/v1/rule-sets/{id}/diff', { params: { path: { id }, query: { from, to } } }));

/** The format a file's extension says. */
const formatOf = (file: string): Format | null =>
  /\.jsonl?$/i.test(file) ? 'jsonl' : /\.csv$/i.test(file) ? 'csv' : /\.txt$/i.test(file) ? 'text' : null;

/**
 * One rule set: its versions (draft → published → superseded), import of a new draft from text or a file,
 * a test of any version against a text, the difference between two versions, publishing, and export.
 */
export function RuleSetPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const dt = useDateTime();
  const errorText = useErrorText();
  const { can } = useSignedIn();
  const set = useLoad(() => call(api.GET('/api/v1/rule-sets/{id}', { params: { path: { id } } })), [id]);
  useTitle(set.data?.name ?? t('ruleSets.title'));
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const writable = can('rulesets:write');

  const s = set.data;
  if (!s)
    return (
      <div className="page">
        <p>
          <Link to="/console/rule-sets">{t('ruleSets.back')}</Link>
        </p>
        <h1>{t('ruleSets.title')}</h1>
        {set.error ? <ErrorBanner error={set.error} /> : <Loading />}
      </div>
    );

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
      set.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const publish = (v: RuleVersion) =>
    act(
      () =>
        call(
          api.POST('/api/v1/rule-sets/{id}/versions/{version}/publish', {
            params: { path: { id, version: v.version } },
          }),
        ),
      t('ruleSets.publishedDone', { version: v.version }),
    );
  const setActive = (active: boolean) =>
    act(
      () => call(api.PATCH('/api/v1/rule-sets/{id}', { params: { path: { id } }, body: { active } })),
      active ? t('ruleSets.activated') : t('ruleSets.deactivated'),
    );
  const exportHref = (v: number, format: Format) =>
    `/api/v1/rule-sets/${encodeURIComponent(id)}/versions/${v}/export?format=${format}`;

  return (
    <div className="page">
      <p>
        <Link to="/console/rule-sets">{t('ruleSets.back')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {t('ruleSets.setTitle', { name: s.name })}{' '}
          {s.active ? (
            <span className="badge badge-ok">{t('ruleSets.active')}</span>
          ) : (
            <span className="badge">{t('ruleSets.inactive')}</span>
          )}
        </h1>
        {writable ? (
          <button type="button" className="button" disabled={busy} onClick={() => setActive(!s.active)}>
            {s.active ? t('ruleSets.deactivate') : t('ruleSets.activate')}
          </button>
        ) : null}
      </div>
      {s.description ? <p className="lead">{s.description}</p> : null}
      <p className="field-hint">
        {s.publishedVersion
          ? t('ruleSets.appliesVersion', { version: s.publishedVersion })
          : t('ruleSets.nothingPublished')}
      </p>
      <Notice>{notice}</Notice>
      <ErrorBanner message={error} />

      <h2>{t('ruleSets.versions')}</h2>
      <DataTable<RuleVersion>
        caption={t('ruleSets.versions')}
        rows={s.versions}
        rowKey={(v) => String(v.version)}
        empty={t('ruleSets.noVersions')}
        columns={[
          { key: 'version', header: t('ruleSets.colVersion'), render: (v) => v.version },
          {
            key: 'status',
            header: t('ruleSets.colStatus'),
            render: (v) => (
              <span
                className={`badge${v.status === 'published' ? ' badge-ok' : v.status === 'draft' ? ' badge-warn' : ''}`}
              >
                {t(`ruleSets.statuses.${v.status}`, { defaultValue: v.status })}
              </span>
            ),
          },
          { key: 'rules', header: t('ruleSets.colRules'), render: (v) => v.ruleCount },
          { key: 'note', header: t('ruleSets.colNote'), render: (v) => v.note || t('common.none') },
          {
            key: 'sha',
            header: 'SHA-256',
            render: (v) => (
              <code title={v.sha256} aria-label={v.sha256}>
                {v.sha256.slice(0, 12)}
              </code>
            ),
          },
          {
            key: 'created',
            header: t('ruleSets.colCreated'),
            className: 'nowrap',
            render: (v) => dt(v.createdAt),
          },
          {
            key: 'publishedAt',
            header: t('ruleSets.colPublishedAt'),
            className: 'nowrap',
            render: (v) => dt(v.publishedAt),
          },
          {
            key: 'actions',
            header: t('common.actions'),
            render: (v) => (
              <div className="button-row">
                {writable && v.status === 'draft' ? (
                  <button
                    type="button"
                    className="button button-small button-primary"
                    disabled={busy}
                    aria-label={t('ruleSets.publishN', { version: v.version })}
                    onClick={() => publish(v)}
                  >
                    {t('ruleSets.publish')}
                  </button>
                ) : null}
                {FORMATS.map((f) => (
                  <a
                    key={f}
                    className="button button-small"
                    href={exportHref(v.version, f)}
                    download
                    aria-label={t('ruleSets.exportN', { version: v.version, format: f.toUpperCase() })}
                  >
                    {f === 'text' ? 'TXT' : f.toUpperCase()}
                  </a>
                ))}
              </div>
            ),
          },
        ]}
      />

      {writable ? (
        <ImportForm
          id={id}
          onImported={(msg) => {
            setError(null);
            setNotice(msg);
            set.reload();
          }}
        />
      ) : null}
      {s.versions.length ? <TestForm set={s} /> : null}
      {s.versions.length > 1 ? <DiffForm set={s} /> : null}
    </div>
  );
}

function ImportForm({ id, onImported }: { id: string; onImported: (message: string) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [text, setText] = useState('');
  const [format, setFormat] = useState<Format>('jsonl');
  const [note, setNote] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const { errors, busy, run } = useSubmit(['format', 'note']);

  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    errors.clear();
    setText(await f.text());
    setFile(f.name);
    const guessed = formatOf(f.name);
    if (guessed) setFormat(guessed);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (!text.trim()) return errors.set('text', t('common.required'));
    await run(
      async () => {
        const v = await call(
          api.POST('/api/v1/rule-sets/{id}/versions', {
            params: { path: { id } },
            body: { text, format, note: note.trim() || undefined },
          }),
        );
        setText('');
        setNote('');
        setFile(null);
        onImported(t('ruleSets.imported', { version: v.version, count: v.ruleCount }));
      },
      {
        showError: (err) => {
          // A rule that fails names itself and its field (`rules.3.action`); it belongs beside the text.
          if (err instanceof ApiError && err.field && !['format', 'note'].includes(err.field)) {
            // The server's message names the rule and its field; in Chinese it follows the translated
            // headline, in English it is the headline. Either way it is said once.
            const text = errorText(err);
            const detail = err.code === 'invalid_rules' && text !== err.message ? ` ${err.message}` : '';
            const where =
              err.field.startsWith('rules') && !err.message.includes('field') ? ` (${err.field})` : '';
            errors.set('text', `${text}${detail}${where}`);
          } else errors.show(err);
        },
      },
    );
  };

  return (
    <FormPanel
      titleId="import-title"
      title={t('ruleSets.importTitle')}
      intro={<p className="field-hint">{t('ruleSets.importIntro')}</p>}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('ruleSets.import')}
      busy={busy}
    >
      <div className="field">
        <label htmlFor="rules-file">{t('ruleSets.file')}</label>
        <input
          id="rules-file"
          type="file"
          accept=".txt,.csv,.jsonl,.json,text/plain,text/csv"
          onChange={load}
          aria-describedby="rules-file-hint"
        />
        <p className="field-hint" id="rules-file-hint" role="status">
          {file ? t('ruleSets.fileLoaded', { name: file }) : t('ruleSets.fileHint')}
        </p>
      </div>
      <TextAreaField
        label={t('ruleSets.rules')}
        hint={t('ruleSets.rulesHint')}
        value={text}
        onChange={setText}
        error={errors.field('text')}
        rows={8}
        spellCheck={false}
        className="mono"
      />
      <div className="form-grid">
        <SelectField
          label={t('ruleSets.format')}
          value={format}
          onChange={(v) => setFormat(v as Format)}
          error={errors.field('format')}
          options={FORMATS.map((f) => ({ value: f, label: t(`ruleSets.formats.${f}`) }))}
        />
        <TextField
          label={t('ruleSets.note')}
          value={note}
          onChange={setNote}
          error={errors.field('note')}
          maxLength={500}
        />
      </div>
    </FormPanel>
  );
}

function TestForm({ set }: { set: RuleSetDetail }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(String(set.latestVersion ?? set.versions[0].version));
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ text: string; answer: Tested } | null>(null);
  const { errors, busy, run } = useSubmit(['text', 'version']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      setResult({ text, answer: await testRules(set.id, Number(version), text) });
    });
  };

  return (
    <FormPanel
      titleId="test-title"
      title={t('ruleSets.testTitle')}
      intro={<p className="field-hint">{t('ruleSets.testIntro')}</p>}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('ruleSets.test')}
      busy={busy}
      after={<TestResult result={result} />}
    >
      <SelectField
        label={t('ruleSets.testVersion')}
        value={version}
        onChange={setVersion}
        error={errors.field('version')}
        options={set.versions.map((v) => ({
          value: String(v.version),
          label: `${t('ruleSets.versionN', { version: v.version })} · ${t(`ruleSets.statuses.${v.status}`, { defaultValue: v.status })}`,
        }))}
      />
      <TextAreaField
        label={t('ruleSets.testText')}
        value={text}
        onChange={setText}
        error={errors.field('text')}
        rows={3}
        maxLength={100_000}
      />
    </FormPanel>
  );
}

/** What the chosen version decides for the test text, with each match marked in it. */
function TestResult({ result }: { result: { text: string; answer: Tested } | null }) {
  const { t } = useTranslation();
  const labels = useLabels();
  if (!result) return null;
  return (
    <div className="result-box" role="status" aria-label={t('ruleSets.testResult')}>
      <p>
        {t('ruleSets.testDecision')} <Decision decision={result.answer.decision} />
      </p>
      {result.text ? (
        <blockquote className="evidence-content">
          <HighlightedText
            text={result.text}
            spans={result.answer.matches.map((m) => ({
              start: m.start,
              end: m.end,
              label: `${m.rule} · ${labels.screeningCategory(m.category)}`,
            }))}
          />
        </blockquote>
      ) : null}
      {result.answer.matches.length ? (
        <ul className="plain-list">
          {result.answer.matches.map((m) => (
            <li key={`${m.rule}-${m.start}`}>
              <code>{m.rule}</code> · {labels.screeningCategory(m.category)} ·{' '}
              <RuleAction action={m.action} /> <mark>{result.text.slice(m.start, m.end)}</mark>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('ruleSets.noMatch')}</p>
      )}
    </div>
  );
}

function DiffForm({ set }: { set: RuleSetDetail }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const versions = set.versions.map((v) => v.version).sort((a, b) => a - b);
  const [from, setFrom] = useState(String(versions[versions.length - 2]));
  const [to, setTo] = useState(String(versions[versions.length - 1]));
  const [diff, setDiff] = useState<Diff | null>(null);
  const { errors, busy, run } = useSubmit(['from', 'to']);
  const options = versions.map((v) => ({ value: String(v), label: t('ruleSets.versionN', { version: v }) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      setDiff(await diffVersions(set.id, Number(from), Number(to)));
    });
  };

  const ruleColumns = (prefix: string) => [
    { key: `${prefix}id`, header: t('ruleSets.colRuleId'), render: (r: Rule) => <code>{r.id}</code> },
    {
      key: `${prefix}pattern`,
      header: t('ruleSets.colPattern'),
      render: (r: Rule) => <code>{r.pattern}</code>,
    },
    {
      key: `${prefix}category`,
      header: t('cases.colCategory'),
      render: (r: Rule) => labels.screeningCategory(r.category),
    },
    {
      key: `${prefix}action`,
      header: t('cases.colAction'),
      render: (r: Rule) => <RuleAction action={r.action} />,
    },
  ];

  const diffView = diff ? (
    <div role="status" aria-label={t('ruleSets.diffResult')}>
      <p>
        {t('ruleSets.diffSummary', {
          from: diff.from,
          to: diff.to,
          added: diff.added.length,
          removed: diff.removed.length,
          changed: diff.changed.length,
        })}
      </p>
      {diff.added.length ? (
        <>
          <h3>{t('ruleSets.added')}</h3>
          <DataTable<Rule>
            caption={t('ruleSets.added')}
            rows={diff.added}
            rowKey={(r) => r.id}
            columns={ruleColumns('a')}
            rowProps={() => ({ className: 'diff-added' })}
          />
        </>
      ) : null}
      {diff.removed.length ? (
        <>
          <h3>{t('ruleSets.removed')}</h3>
          <DataTable<Rule>
            caption={t('ruleSets.removed')}
            rows={diff.removed}
            rowKey={(r) => r.id}
            columns={ruleColumns('r')}
            rowProps={() => ({ className: 'diff-removed' })}
          />
        </>
      ) : null}
      {diff.changed.length ? (
        <>
          <h3>{t('ruleSets.changed')}</h3>
          <DataTable<Diff['changed'][number]>
            caption={t('ruleSets.changed')}
            rows={diff.changed}
            rowKey={(c) => c.before.id}
            columns={[
              { key: 'id', header: t('ruleSets.colRuleId'), render: (c) => <code>{c.before.id}</code> },
              {
                key: 'before',
                header: t('ruleSets.before'),
                className: 'details',
                render: (c) => <code>{JSON.stringify(c.before)}</code>,
              },
              {
                key: 'after',
                header: t('ruleSets.after'),
                className: 'details',
                render: (c) => <code>{JSON.stringify(c.after)}</code>,
              },
            ]}
          />
        </>
      ) : null}
    </div>
  ) : null;

  return (
    <FormPanel
      titleId="diff-title"
      title={t('ruleSets.diffTitle')}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('ruleSets.compare')}
      submitClassName="button"
      busy={busy}
      after={diffView}
    >
      <div className="form-grid">
        <SelectField label={t('ruleSets.diffFrom')} value={from} onChange={setFrom} options={options} />
        <SelectField label={t('ruleSets.diffTo')} value={to} onChange={setTo} options={options} />
      </div>
    </FormPanel>
  );
}
