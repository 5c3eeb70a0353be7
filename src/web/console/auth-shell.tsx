import type { ReactNode } from 'react';
import { LanguageSwitch } from '../components/language-switch.js';
import { useMeta } from '../meta.js';

/** The frame of the pages before sign-in: provider name, language switch, one centred card. */
export function AuthShell({ title, children }: { title: string; children: ReactNode }) {
  const { meta } = useMeta();
  return (
    <div className="auth-shell">
      <header className="auth-top">
        <span className="brand">{meta?.providerName ?? 'Custodian'}</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-card">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
