import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, call } from '../api.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

/** Modules that later releases add; shown so staff see where their work will live. */
const COMING = ['identity', 'messaging', 'cases', 'incidents', 'authorities', 'compliance'] as const;

/** One card per module: what it holds and what needs attention now. */
export function HomePage() {
  const { t } = useTranslation();
  useTitle(t('home.title'));
  const { user, can } = useSignedIn();
  return (
    <div className="page">
      <h1>{t('home.welcome', { name: user.displayName || user.username })}</h1>
      <p className="lead">{t('home.intro')}</p>
      <h2>{t('home.available')}</h2>
      <ul className="cards">
        {can('subjects:read') ? <SubjectsCard /> : null}
        {can('cases:read') ? <CasesCard /> : null}
        {can('rulesets:read') ? <RuleSetsCard /> : null}
        {can('reports:read') ? <ReportsCard /> : null}
        {can('purposes:read') ? <PurposesCard /> : null}
        {can('consents:read') ? <ConsentsCard /> : null}
        {can('audit:read') ? <AuditCard /> : null}
        {can('users:read') ? <UsersCard /> : null}
        {can('apikeys:read') ? <ApiKeysCard /> : null}
        {can('jobs:read') ? <JobsCard /> : null}
        {can('webhooks:read') ? <WebhooksCard /> : null}
        {can('outbox:read') ? <OutboxCard /> : null}
      </ul>
      <h2>{t('home.coming')}</h2>
      <ul className="cards">
        {COMING.map((m) => (
          <li key={m} className="card card-coming">
            <h3>
              {t(`modules.${m}`)} <span className="badge">{t('home.comingBadge')}</span>
            </h3>
            <p>{t(`modules.${m}Desc`)}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Card({
  title,
  to,
  desc,
  stat,
  error,
  attention,
}: {
  title: string;
  to: string;
  desc: string;
  stat: ReactNode;
  error?: unknown;
  attention?: boolean;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <li className={`card${attention ? ' card-attention' : ''}`}>
      <h3>
        <Link to={to}>{title}</Link>
        {attention ? <span className="badge badge-warn">{t('home.needsAttention')}</span> : null}
      </h3>
      <p>{desc}</p>
      <p className="card-stat">{error ? <span className="field-error">{errorText(error)}</span> : stat}</p>
    </li>
  );
}

// No count of subjects: listing them writes an audit entry, and the start page should not read the vault.
function SubjectsCard() {
  const { t } = useTranslation();
  return (
    <Card
      title={t('nav.subjects')}
      to="/console/subjects"
      desc={t('modules.subjects')}
      stat={t('home.subjectsStat')}
    />
  );
}

function CasesCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    () => call(api.GET('/api/v1/cases', { params: { query: { status: 'queue', limit: 1, offset: 0 } } })),
    [],
  );
  const waiting = data?.total ?? 0;
  return (
    <Card
      title={t('nav.cases')}
      to="/console/cases"
      error={error}
      desc={t('modules.moderation')}
      attention={waiting > 0}
      stat={data ? (waiting ? t('home.casesStat', { count: waiting }) : t('home.casesOk')) : '…'}
    />
  );
}

function RuleSetsCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => call(api.GET('/api/v1/rule-sets')), []);
  const applied = (data?.items ?? []).filter((r) => r.active && r.publishedVersion).length;
  return (
    <Card
      title={t('nav.ruleSets')}
      to="/console/rule-sets"
      error={error}
      desc={t('modules.ruleSets')}
      attention={!!data && applied === 0}
      stat={data ? (applied ? t('home.ruleSetsStat', { count: applied }) : t('home.ruleSetsNone')) : '…'}
    />
  );
}

function ReportsCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    () => call(api.GET('/api/v1/reports', { params: { query: { submitted: false, limit: 1, offset: 0 } } })),
    [],
  );
  const pending = data?.total ?? 0;
  return (
    <Card
      title={t('nav.reports')}
      to="/console/reports"
      error={error}
      desc={t('modules.reports')}
      attention={pending > 0}
      stat={data ? (pending ? t('home.reportsStat', { count: pending }) : t('home.reportsOk')) : '…'}
    />
  );
}

function PurposesCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    () => Promise.all([call(api.GET('/api/v1/purposes')), call(api.GET('/api/v1/rules/versions'))]),
    [],
  );
  const count = data?.[0].items.filter((p) => !p.archived).length ?? 0;
  const latest = data ? Math.max(0, ...data[1].items.map((v) => v.version)) : 0;
  return (
    <Card
      title={t('nav.purposes')}
      to="/console/purposes"
      error={error}
      desc={t('modules.purposes')}
      attention={!!data && latest === 0}
      stat={
        data
          ? latest
            ? t('home.purposesStat', { count, version: latest })
            : t('home.purposesUnpublished', { count })
          : '…'
      }
    />
  );
}

function ConsentsCard() {
  const { t } = useTranslation();
  return (
    <Card
      title={t('nav.consents')}
      to="/console/consents"
      desc={t('modules.consents')}
      stat={t('home.consentsStat')}
    />
  );
}

function AuditCard() {
  const { t } = useTranslation();
  const dt = useDateTime();
  const { data, error } = useLoad(
    () => call(api.GET('/api/v1/audit', { params: { query: { limit: 1 } } })),
    [],
  );
  const last = data?.items[0];
  return (
    <Card
      title={t('nav.audit')}
      to="/console/audit"
      error={error}
      desc={t('modules.audit')}
      stat={
        data
          ? last
            ? t('home.auditStat', { action: last.action, at: dt(last.at) })
            : t('home.auditEmpty')
          : '…'
      }
    />
  );
}

function UsersCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    () => call(api.GET('/api/v1/users', { params: { query: { limit: 1, offset: 0 } } })),
    [],
  );
  return (
    <Card
      title={t('nav.users')}
      to="/console/users"
      error={error}
      desc={t('modules.users')}
      stat={data ? t('home.usersStat', { count: data.total }) : '…'}
    />
  );
}

function ApiKeysCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => call(api.GET('/api/v1/api-keys')), []);
  return (
    <Card
      title={t('nav.apiKeys')}
      to="/console/api-keys"
      error={error}
      desc={t('modules.apiKeys')}
      stat={data ? t('home.apiKeysStat', { count: data.items.filter((k) => !k.revokedAt).length }) : '…'}
    />
  );
}

function JobsCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    () => call(api.GET('/api/v1/jobs', { params: { query: { status: 'failed', limit: 1, offset: 0 } } })),
    [],
  );
  const failed = data?.total ?? 0;
  return (
    <Card
      title={t('nav.jobs')}
      to="/console/jobs"
      error={error}
      desc={t('modules.jobs')}
      attention={failed > 0}
      stat={data ? (failed ? t('home.jobsStat', { count: failed }) : t('home.jobsOk')) : '…'}
    />
  );
}

function WebhooksCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => call(api.GET('/api/v1/webhooks')), []);
  return (
    <Card
      title={t('nav.webhooks')}
      to="/console/webhooks"
      error={error}
      desc={t('modules.webhooks')}
      stat={data ? t('home.webhooksStat', { count: data.items.length }) : '…'}
    />
  );
}

function OutboxCard() {
  const { t } = useTranslation();
  const { data, error } = useLoad(
    () => call(api.GET('/api/v1/outbox', { params: { query: { limit: 1, offset: 0 } } })),
    [],
  );
  return (
    <Card
      title={t('nav.outbox')}
      to="/console/outbox"
      error={error}
      desc={t('modules.outbox')}
      stat={data ? t('home.outboxStat', { count: data.total }) : '…'}
    />
  );
}
