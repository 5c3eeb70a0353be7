import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../use-title.js';

/** A portal service whose module is still to come: its purpose and a short note. */
export function Preparing({ title, desc, children }: { title: string; desc: string; children?: ReactNode }) {
  const { t } = useTranslation();
  useTitle(title);
  return (
    <article className="page">
      <h1>{title}</h1>
      <p className="lead">{desc}</p>
      <div className="panel">
        <p>{t('portal.preparing')}</p>
        {children}
      </div>
    </article>
  );
}
