import type { ReactNode } from 'react';

/**
 * A console page's title (its one h1) and its actions. `onCreate` adds the primary button that opens
 * the page's create form, shown while `canCreate` holds.
 */
export function PageHead({
  title,
  createLabel,
  onCreate,
  canCreate = true,
  children,
}: {
  title: ReactNode;
  createLabel?: ReactNode;
  onCreate?: () => void;
  /** False where the user may not write, or a form is already open. */
  canCreate?: boolean;
  /** Other actions, such as refresh. */
  children?: ReactNode;
}) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      {children}
      {onCreate && canCreate ? (
        <button type="button" className="button button-primary" onClick={onCreate}>
          {createLabel}
        </button>
      ) : null}
    </div>
  );
}
