import { useState } from 'react';
import { ApiError } from './api.js';
import { useErrorText } from './error-text.js';

/**
 * Errors of one form: a server error that names one of the form's fields is shown beside that field,
 * anything else in the banner above the form.
 */
export function useFormErrors(fields: readonly string[]) {
  const errorText = useErrorText();
  const [byField, setByField] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  return {
    field: (name: string): string | undefined => byField[name],
    banner,
    set(name: string, message: string) {
      setByField((m) => ({ ...m, [name]: message }));
    },
    show(err: unknown) {
      if (err instanceof ApiError && err.field && fields.includes(err.field)) {
        setByField({ [err.field]: errorText(err) });
        setBanner(null);
      } else {
        setByField({});
        setBanner(errorText(err));
      }
    },
    clear() {
      setByField({});
      setBanner(null);
    },
  };
}
