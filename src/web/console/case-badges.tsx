import { useTranslation } from 'react-i18next';

const DECISION_CLASS: Record<string, string> = {
  block: 'badge-bad',
  review: 'badge-warn',
  flag: '',
  allow: 'badge-ok',
};
const STATUS_CLASS: Record<string, string> = {
  open: 'badge-warn',
  claimed: 'badge-warn',
  escalated: 'badge-warn',
  reportable: 'badge-bad',
  removed: 'badge-ok',
  restored: 'badge-ok',
};

/** The gate's answer: allow, flag, review (queued) or block (transmission stopped). */
export function Decision({ decision }: { decision: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${DECISION_CLASS[decision] ?? ''}`}>
      {t(`cases.decisions.${decision}`, { defaultValue: decision })}
    </span>
  );
}

/** Where a case stands in the workflow. */
export function CaseStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${STATUS_CLASS[status] ?? ''}`}>
      {t(`cases.statuses.${status}`, { defaultValue: status })}
    </span>
  );
}

/** A rule's action, as the rule set says it. */
export function RuleAction({ action }: { action: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${DECISION_CLASS[action] ?? ''}`}>
      {t(`cases.decisions.${action}`, { defaultValue: action })}
    </span>
  );
}
