import { Route, Routes } from 'react-router-dom';
import { ConsoleApp } from './console/console-app.js';
import { MetaProvider } from './meta.js';
import { LandingPage } from './portal/landing-page.js';
import { MyConsentsPage } from './portal/my-consents-page.js';
import { NotFoundPage } from './components/not-found-page.js';
import { PortalLayout } from './portal/portal-layout.js';
import { ReportsPage } from './portal/reports-page.js';
import { RequestsPage } from './portal/requests-page.js';
import { RulesDiffPage, RulesPage, RulesVersionPage, RulesVersionsPage } from './portal/rules-page.js';

/** The console for staff under /console, the portal for citizens everywhere else. */
export function App() {
  return (
    <MetaProvider>
      <Routes>
        <Route path="/console/*" element={<ConsoleApp />} />
        <Route element={<PortalLayout />}>
          <Route index element={<LandingPage />} />
          <Route path="rules" element={<RulesPage />} />
          <Route path="rules/versions" element={<RulesVersionsPage />} />
          <Route path="rules/versions/:version" element={<RulesVersionPage />} />
          <Route path="rules/diff" element={<RulesDiffPage />} />
          <Route path="my-consents" element={<MyConsentsPage />} />
          <Route path="requests" element={<RequestsPage />} />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="*" element={<NotFoundPage home="/" />} />
        </Route>
      </Routes>
    </MetaProvider>
  );
}
