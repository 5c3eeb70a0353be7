import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router-dom';
import { ErrorBanner } from '../components/error-banner.js';
import { Loading } from '../components/loading.js';
import { NotFoundPage } from '../components/not-found-page.js';
import { useMeta } from '../meta.js';
import { SessionProvider, useSession } from '../session.js';
import { ApiKeysPage } from './api-keys-page.js';
import { AuditPage } from './audit-page.js';
import { AuthShell } from './auth-shell.js';
import { CasePage } from './case-page.js';
import { CasesPage } from './cases-page.js';
import { ConsentRatesPage } from './consent-rates-page.js';
import { ConsentsPage } from './consents-page.js';
import { RetentionPage, RetentionReportPage } from './retention-page.js';
import { HomePage } from './home-page.js';
import { JobsPage } from './jobs-page.js';
import { ConsoleLayout } from './layout.js';
import { LoginPage } from './login-page.js';
import { OutboxPage } from './outbox-page.js';
import { ProfilePage } from './profile-page.js';
import { PurposesPage } from './purposes-page.js';
import { ReportsPage } from './reports-page.js';
import { RuleSetPage } from './rule-set-page.js';
import { RuleSetsPage } from './rule-sets-page.js';
import { SetupPage } from './setup-page.js';
import { SubjectNewPage } from './subject-new-page.js';
import { SubjectPage } from './subject-page.js';
import { SubjectsPage } from './subjects-page.js';
import { TotpRequiredPage } from './totp-required-page.js';
import { UsersPage } from './users-page.js';
import { WebhooksPage } from './webhooks-page.js';

export function ConsoleApp() {
  const { meta } = useMeta();
  return (
    <SessionProvider active={!!meta && !meta.setupNeeded}>
      <ConsoleGate />
    </SessionProvider>
  );
}

/** Setup first, then sign-in, then (for administrators who must) two-factor enrolment; only then the console. */
function ConsoleGate() {
  const { meta, error } = useMeta();
  const { session } = useSession();
  if (!meta)
    return <AuthShell title="Custodian">{error ? <ErrorBanner error={error} /> : <Loading />}</AuthShell>;
  if (meta.setupNeeded) return <SetupPage />;
  if (session === undefined) return <AuthShell title={meta.providerName}>{<Loading />}</AuthShell>;
  if (!session) return <LoginPage />;
  if (session.mustEnrollTotp) return <TotpRequiredPage />;
  return (
    <Routes>
      <Route element={<ConsoleLayout />}>
        <Route index element={<HomePage />} />
        <Route path="users" element={<Allowed permission="users:read" page={<UsersPage />} />} />
        <Route path="api-keys" element={<Allowed permission="apikeys:read" page={<ApiKeysPage />} />} />
        <Route path="audit" element={<Allowed permission="audit:read" page={<AuditPage />} />} />
        <Route path="jobs" element={<Allowed permission="jobs:read" page={<JobsPage />} />} />
        <Route path="webhooks" element={<Allowed permission="webhooks:read" page={<WebhooksPage />} />} />
        <Route path="outbox" element={<Allowed permission="outbox:read" page={<OutboxPage />} />} />
        <Route path="subjects" element={<Allowed permission="subjects:read" page={<SubjectsPage />} />} />
        <Route
          path="subjects/new"
          element={<Allowed permission="subjects:write" page={<SubjectNewPage />} />}
        />
        <Route path="subjects/:id" element={<Allowed permission="subjects:read" page={<SubjectPage />} />} />
        <Route path="cases" element={<Allowed permission="cases:read" page={<CasesPage />} />} />
        <Route path="cases/:id" element={<Allowed permission="cases:read" page={<CasePage />} />} />
        <Route path="rule-sets" element={<Allowed permission="rulesets:read" page={<RuleSetsPage />} />} />
        <Route path="rule-sets/:id" element={<Allowed permission="rulesets:read" page={<RuleSetPage />} />} />
        <Route path="reports" element={<Allowed permission="reports:read" page={<ReportsPage />} />} />
        <Route path="purposes" element={<Allowed permission="purposes:read" page={<PurposesPage />} />} />
        <Route path="consents" element={<Allowed permission="consents:read" page={<ConsentsPage />} />} />
        <Route path="retention" element={<Allowed permission="retention:read" page={<RetentionPage />} />} />
        <Route
          path="retention/:id"
          element={<Allowed permission="retention:read" page={<RetentionReportPage />} />}
        />
        <Route
          path="consent-rates"
          element={<Allowed permission="consents:read" page={<ConsentRatesPage />} />}
        />
        <Route path="profile" element={<ProfilePage />} />
        <Route path="*" element={<NotFoundPage home="/console" />} />
      </Route>
    </Routes>
  );
}

/** The server refuses anyway; this only spares the reader a page of errors. */
function Allowed({ permission, page }: { permission: string; page: ReactNode }) {
  const { t } = useTranslation();
  const { can } = useSession();
  if (!can(permission))
    return (
      <div className="page">
        <ErrorBanner message={t('common.noPermission')} />
      </div>
    );
  return <>{page}</>;
}
