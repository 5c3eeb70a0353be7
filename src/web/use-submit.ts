import { useState } from 'react';
import { useFormErrors } from './form-errors.js';
import { focusFirstProblem } from './focus.js';

/**
 * A form's submission: its errors (see useFormErrors), a busy flag that disables the submit button
 * while the request runs, and `run`, which shows a failure beside its field or in the banner.
 * `run` does not clear old errors: the form clears them before its own checks.
 */
export function useSubmit(fields: readonly string[]) {
  const errors = useFormErrors(fields);
  const [busy, setBusy] = useState(false);
  const run = async (
    action: () => Promise<void>,
    {
      showError = errors.show,
      staysBusy = false,
    }: {
      /** Where a failure goes, when not to this form's errors. */
      showError?: (err: unknown) => void | Promise<void>;
      /** The form goes away on success, so the button stays disabled until it does. */
      staysBusy?: boolean;
    } = {},
  ) => {
    setBusy(true);
    try {
      await action();
      if (!staysBusy) setBusy(false);
    } catch (err) {
      await showError(err);
      setBusy(false);
      focusFirstProblem();
    }
  };
  return { errors, busy, run };
}
