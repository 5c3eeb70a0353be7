import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, call, type Case, type CaseDetail } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { TextAreaField } from '../components/form-field.js';
import { HighlightedText } from '../components/highlighted-text.js';
import { Loading } from '../components/loading.js';
import { useErrorText } from '../error-text.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useLabels } from '../labels.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { CaseStatus, Decision, RuleAction } from './case-badges.js';

type Match = CaseDetail['evidence']['matches'][number];
type Action = 'remove' | 'restore' | 'escalate' | 'reportable';
const REASON_FIELDS = ['facts', 'rule', 'ground', 'objection'] as const;
type Reasons = Record<(typeof REASON_FIELDS)[number], string>;
const OPEN = ['open', 'claimed', 'escalated', 'reportable'];

/**
 * One case: the content with its matched spans marked, the matches, the sealed evidence's hashes; claim,
 * decide with a statement of reasons (removal calls the provider's webhook), legal hold, and a check of the
 * evidence against the audit chain. Opening the page is audited (the content is user data).
 */
export function CasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  useTitle(t('cases.caseTitle'));
  const dt = useDateTime();
  const labels = useLabels();
  const errorText = useErrorText();
  const { can, user } = useSignedIn();
  const loaded = useLoad(() => call(api.GET('/api/v1/cases/{id}', { params: { path: { id } } })), [id]);
  // Actions answer with the case (without evidence); laid over what was loaded, so no second audited read.
  const [patch, setPatch] = useState<Partial<Case>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setPatch({}), [id]);

  if (!loaded.data)
    return (
      <div className="page">
        <p>
          <Link to="/console/cases">{t('cases.back')}</Link>
        </p>
        <h1>{t('cases.caseTitle')}</h1>
        {loaded.error ? <ErrorBanner error={loaded.error} /> : <Loading />}
      </div>
    );

  const c: CaseDetail = { ...loaded.data, ...patch };
  const ev = c.evidence;
  const decider = can('cases:decide');
  const claimedByOther = c.status === 'claimed' && c.claimedBy !== user.id;

  const act = async (fn: () => Promise<Case>, done: (c: Case) => string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const next = await fn();
      setPatch(next);
      setNotice(done(next));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const claim = () =>
    act(
      () => call(api.POST('/api/v1/cases/{id}/claim', { params: { path: { id } } })),
      () => t('cases.claimedThis'),
    );
  const hold = (on: boolean) =>
    act(
      () => call(api.POST('/api/v1/cases/{id}/hold', { params: { path: { id } }, body: { hold: on } })),
      (n) => (n.legalHold ? t('cases.holdOn') : t('cases.holdOff')),
    );
  const verify = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await call(api.GET('/api/v1/cases/{id}/verify', { params: { path: { id } } }));
      if (r.ok) setNotice(t('cases.verifyOk', { hash: r.evidenceSha256 }));
      else setError(t('cases.verifyBad', { hash: r.evidenceSha256, audited: r.audited ?? t('common.none') }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <p>
        <Link to="/console/cases">{t('cases.back')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {t('cases.caseTitle')} <span className="mono title-id">{c.contentId}</span>
        </h1>
        <div className="button-row">
          {decider && (['open', 'escalated'].includes(c.status) || claimedByOther) ? (
            <button type="button" className="button button-primary" onClick={claim} disabled={busy}>
              {t('cases.claim')}
            </button>
          ) : null}
          <button type="button" className="button" onClick={verify} disabled={busy}>
            {t('cases.verify')}
          </button>
          {can('audit:read') ? (
            <Link
              className="button"
              to={`/console/audit?${new URLSearchParams({ targetType: 'case', targetId: c.id })}`}
            >
              {t('subjects.seeAudit')}
            </Link>
          ) : null}
        </div>
      </div>
      <Notice>{notice}</Notice>
      <ErrorBanner message={error} />
      {claimedByOther ? <p className="warning">{t('cases.claimedByOther')}</p> : null}

      <dl className="facts">
        <dt>{t('cases.colStatus')}</dt>
        <dd>
          <CaseStatus status={c.status} />{' '}
          {c.status === 'claimed' ? (c.claimedBy === user.id ? t('cases.byYou') : t('cases.byOther')) : null}
        </dd>
        <dt>{t('cases.colDecision')}</dt>
        <dd>
          <Decision decision={c.decision} />
        </dd>
        <dt>{t('cases.colStopped')}</dt>
        <dd data-testid="stopped-at">
          {c.transmissionStoppedAt ? dt(c.transmissionStoppedAt) : t('cases.notStopped')}
        </dd>
        <dt>{t('cases.colReceived')}</dt>
        <dd>{dt(c.receivedAt)}</dd>
        <dt>{t('cases.colCategory')}</dt>
        <dd>
          {(c.categories.length ? c.categories : [c.topCategory]).map(labels.screeningCategory).join(' · ')}
        </dd>
        <dt>{t('cases.contentType')}</dt>
        <dd>{c.contentType}</dd>
        <dt>{t('cases.colAuthor')}</dt>
        <dd>
          <span className="mono">{c.authorAccount}</span>{' '}
          {ev.hasAuthorIp ? <span className="badge">{t('cases.ipKept')}</span> : null}
        </dd>
        {c.decidedAt ? (
          <>
            <dt>{t('cases.decidedAt')}</dt>
            <dd>{dt(c.decidedAt)}</dd>
          </>
        ) : null}
        <dt>{t('cases.retainUntil')}</dt>
        <dd>
          {dt(c.retainUntil)}{' '}
          {c.legalHold ? <span className="badge badge-warn">{t('cases.legalHold')}</span> : null}
        </dd>
        {c.purgedAt ? (
          <>
            <dt>{t('cases.purgedAt')}</dt>
            <dd>{dt(c.purgedAt)}</dd>
          </>
        ) : null}
      </dl>

      <h2>{t('cases.content')}</h2>
      {ev.content !== null ? (
        <blockquote className="evidence-content" aria-label={t('cases.content')}>
          <HighlightedText
            text={ev.content}
            spans={ev.matches.map((m) => ({
              start: m.start,
              end: m.end,
              label: `${m.rule} · ${labels.screeningCategory(m.category)}`,
            }))}
          />
        </blockquote>
      ) : (
        <p className="warning">{t('cases.contentPurged')}</p>
      )}

      <h2>{t('cases.matches')}</h2>
      <MatchesTable matches={ev.matches} text={ev.content} />

      <h2>{t('cases.evidence')}</h2>
      <dl className="facts hashes">
        <dt>{t('cases.contentSha256')}</dt>
        <dd className="mono">{ev.contentSha256}</dd>
        <dt>{t('cases.evidenceSha256')}</dt>
        <dd className="mono">{ev.evidenceSha256}</dd>
        <dt>{t('cases.ruleVersions')}</dt>
        <dd>
          {ev.ruleVersions.length
            ? ev.ruleVersions.map((v) => (
                <span key={v.ruleSet} className="rule-version">
                  {can('rulesets:read') ? (
                    <Link to={`/console/rule-sets/${v.ruleSet}`}>
                      {t('cases.versionN', { version: v.version })}
                    </Link>
                  ) : (
                    t('cases.versionN', { version: v.version })
                  )}{' '}
                </span>
              ))
            : t('common.none')}
        </dd>
      </dl>
      {decider ? (
        <div className="button-row hold-row">
          <span>{c.legalHold ? t('cases.holdIsOn') : t('cases.holdIsOff')}</span>
          <button type="button" className="button" onClick={() => hold(!c.legalHold)} disabled={busy}>
            {c.legalHold ? t('cases.releaseHold') : t('cases.placeHold')}
          </button>
        </div>
      ) : null}

      {c.reasons ? (
        <>
          <h2>{t('cases.reasonsTitle')}</h2>
          <dl className="facts">
            {REASON_FIELDS.map((k) => (
              <Fragment key={k}>
                <dt>{t(`cases.reasons.${k}`)}</dt>
                <dd className="pre">{c.reasons![k]}</dd>
              </Fragment>
            ))}
          </dl>
        </>
      ) : null}

      {decider && OPEN.includes(c.status) && !claimedByOther ? (
        <DecideForm
          key={c.id}
          matches={ev.matches}
          initial={c.reasons}
          onDecided={(next, action) => {
            setPatch(next);
            setError(null);
            setNotice(t(`cases.done.${action}`));
          }}
        />
      ) : null}
    </div>
  );
}

function MatchesTable({ matches, text }: { matches: Match[]; text: string | null }) {
  const { t } = useTranslation();
  const labels = useLabels();
  return (
    <DataTable<Match>
      caption={t('cases.matches')}
      rows={matches}
      rowKey={(m) => `${m.rule}-${m.start}-${m.end}`}
      empty={t('cases.noMatches')}
      columns={[
        { key: 'rule', header: t('cases.colRule'), render: (m) => <code>{m.rule}</code> },
        {
          key: 'category',
          header: t('cases.colCategory'),
          render: (m) => labels.screeningCategory(m.category),
        },
        { key: 'action', header: t('cases.colAction'), render: (m) => <RuleAction action={m.action} /> },
        {
          key: 'matched',
          header: t('cases.colMatched'),
          render: (m) => <mark>{text ? text.slice(m.start, m.end) : m.matched}</mark>,
        },
        {
          key: 'at',
          header: t('cases.colPosition'),
          className: 'nowrap',
          render: (m) => `${m.start}–${m.end}`,
        },
      ]}
    />
  );
}

/** The rule field starts with the rules that matched, which is what most statements of reasons cite. */
function ruleText(
  matches: Match[],
  label: (id: string) => string,
  withCategory: (rule: string, category: string) => string,
): string {
  const seen = new Map<string, string>();
  for (const m of matches) if (!seen.has(m.rule)) seen.set(m.rule, withCategory(m.rule, label(m.category)));
  return [...seen.values()].join('；');
}

function DecideForm({
  matches,
  initial,
  onDecided,
}: {
  matches: Match[];
  initial: Reasons | null;
  onDecided: (c: Case, action: Action) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { id = '' } = useParams();
  // The rule field starts filled in for the moderator; left as it came, it is no part of a statement.
  const [prefill] = useState(() =>
    ruleText(matches, labels.screeningCategory, (rule, category) =>
      t('cases.ruleWithCategory', { rule, category }),
    ),
  );
  const [reasons, setReasons] = useState<Reasons>(
    () => initial ?? { facts: '', rule: prefill, ground: '', objection: '' },
  );
  const { errors, busy, run } = useSubmit(REASON_FIELDS.map((k) => `reasons.${k}`));

  const decide = async (action: Action) => {
    errors.clear();
    const filled = REASON_FIELDS.filter((k) => reasons[k].trim());
    const untouched = filled.length === 1 && filled[0] === 'rule' && reasons.rule.trim() === prefill.trim();
    // Removal needs the whole statement; any other decision takes all of it or none, never a part dropped
    // without a word.
    if ((action === 'remove' || (filled.length > 0 && !untouched)) && filled.length < REASON_FIELDS.length) {
      for (const k of REASON_FIELDS)
        if (!reasons[k].trim())
          errors.set(
            `reasons.${k}`,
            t(action === 'remove' ? 'cases.reasonNeeded' : 'cases.reasonsAllOrNone'),
          );
      return;
    }
    await run(async () => {
      const trimmed = Object.fromEntries(REASON_FIELDS.map((k) => [k, reasons[k].trim()])) as Reasons;
      const next = await call(
        api.POST('/api/v1/cases/{id}/decide', {
          params: { path: { id } },
          body: { action, reasons: filled.length === REASON_FIELDS.length ? trimmed : undefined },
        }),
      );
      onDecided(next, action);
    });
  };

  return (
    <section className="panel" aria-labelledby="decide-title">
      <h2 id="decide-title">{t('cases.decideTitle')}</h2>
      <p className="field-hint">{t('cases.decideIntro')}</p>
      <ErrorBanner message={errors.banner} />
      <form onSubmit={(e) => e.preventDefault()}>
        {REASON_FIELDS.map((k) => (
          <TextAreaField
            key={k}
            label={t(`cases.reasons.${k}`)}
            hint={t(`cases.reasonHints.${k}`)}
            value={reasons[k]}
            onChange={(v) => setReasons((r) => ({ ...r, [k]: v }))}
            error={errors.field(`reasons.${k}`)}
            rows={k === 'facts' ? 3 : 2}
            maxLength={k === 'facts' ? 2000 : k === 'rule' ? 500 : 1000}
          />
        ))}
        <div className="form-actions">
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => decide('remove')}
          >
            {t('cases.actions.remove')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => decide('restore')}>
            {t('cases.actions.restore')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => decide('escalate')}>
            {t('cases.actions.escalate')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => decide('reportable')}>
            {t('cases.actions.reportable')}
          </button>
        </div>
      </form>
    </section>
  );
}
