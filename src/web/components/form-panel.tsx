import type { FormEvent, ReactNode, Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from './error-banner.js';

/**
 * The buttons under a form: submit (disabled while the request runs), any extra buttons, then cancel
 * when there is something to cancel.
 */
export function FormActions({
  submitLabel,
  busy,
  onCancel,
  cancelLabel,
  submitClassName = 'button button-primary',
  children,
}: {
  submitLabel: ReactNode;
  busy?: boolean;
  onCancel?: () => void;
  /** Defaults to "Cancel". */
  cancelLabel?: ReactNode;
  submitClassName?: string;
  /** Extra buttons between submit and cancel. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className={submitClassName} disabled={busy}>
        {submitLabel}
      </button>
      {children}
      {onCancel ? (
        <button type="button" className="button" onClick={onCancel}>
          {cancelLabel ?? t('common.cancel')}
        </button>
      ) : null}
    </div>
  );
}

/**
 * A create or edit form in a panel: a heading that names the region (aria-labelledby), a banner for
 * failures that belong to no field, the fields, then submit and cancel.
 */
export function FormPanel({
  titleId,
  title,
  level = 2,
  intro,
  banner,
  onSubmit,
  noValidate,
  submitLabel,
  submitClassName,
  busy,
  onCancel,
  cancelLabel,
  actions,
  after,
  panelRef,
  children,
}: {
  /** Id of the heading; the panel is the region it names. */
  titleId: string;
  title: ReactNode;
  level?: 2 | 3;
  /** Shown between the heading and the banner. */
  intro?: ReactNode;
  /** A failure of the last submission that names none of the fields. */
  banner: string | null;
  onSubmit: (e: FormEvent) => void;
  noValidate?: boolean;
  submitLabel: ReactNode;
  submitClassName?: string;
  busy?: boolean;
  onCancel?: () => void;
  cancelLabel?: ReactNode;
  /** Extra buttons between submit and cancel. */
  actions?: ReactNode;
  /** Shown in the panel below the form. */
  after?: ReactNode;
  panelRef?: Ref<HTMLElement>;
  children: ReactNode;
}) {
  const Heading = level === 3 ? 'h3' : 'h2';
  return (
    <section className="panel" aria-labelledby={titleId} ref={panelRef}>
      <Heading id={titleId}>{title}</Heading>
      {intro}
      <ErrorBanner message={banner} />
      <form onSubmit={onSubmit} noValidate={noValidate}>
        {children}
        <FormActions
          submitLabel={submitLabel}
          submitClassName={submitClassName}
          busy={busy}
          onCancel={onCancel}
          cancelLabel={cancelLabel}
        >
          {actions}
        </FormActions>
      </form>
      {after}
    </section>
  );
}
