import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The second step of an action that cannot be undone (revoke a key, remove an endpoint, archive a
 * purpose): the question, the action again and cancel, as one group named by the question. Focus
 * moves to the action, since the button that opened the prompt is gone.
 */
export function ConfirmPrompt({
  question,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  question: string;
  confirmLabel: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="button-row" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" className="button button-small button-danger" onClick={onConfirm} autoFocus>
        {confirmLabel}
      </button>
      <button type="button" className="button button-small" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
