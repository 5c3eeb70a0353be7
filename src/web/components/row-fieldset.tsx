import type { ReactNode } from 'react';

/**
 * One row of a repeated group (a recipient, a cross-border transfer, a subject's field): a numbered
 * legend, the row's own error, its fields, and a button that removes it, named with the row's number
 * so that screen readers tell the remove buttons apart.
 */
export function RowFieldset({
  legend,
  error,
  removeLabel,
  removeAriaLabel,
  onRemove,
  children,
}: {
  legend: string;
  /** A failure that names the row as a whole. */
  error?: string;
  removeLabel: string;
  removeAriaLabel: string;
  /** Omitted where the row may not be removed (the last one left). */
  onRemove?: () => void;
  children: ReactNode;
}) {
  return (
    <fieldset className="field-row">
      <legend>{legend}</legend>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {children}
      {onRemove ? (
        <button type="button" className="button button-small" aria-label={removeAriaLabel} onClick={onRemove}>
          {removeLabel}
        </button>
      ) : null}
    </fieldset>
  );
}

/** The button under a repeated group that adds one more row. */
export function AddRowButton({ label, onAdd }: { label: string; onAdd: () => void }) {
  return (
    <div className="form-actions">
      <button type="button" className="button" onClick={onAdd}>
        {label}
      </button>
    </div>
  );
}
