import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LEGAL_PURPOSES } from '../../rules/register.js';
import { api, ApiError, call } from '../api.js';
import { focusFirstProblem } from '../focus.js';
import { useLoad } from '../use-load.js';
import { ErrorBanner } from './error-banner.js';
import { SelectField, TextField } from './form-field.js';
import { FormActions } from './form-panel.js';

/**
 * A small modal dialog that asks why personal information is read (PIPL 6: a stated, specific purpose);
 * the purpose goes to the audit log with every field read. Once rules are published, a read must name one
 * of their purposes or a ground in law, so the dialog offers exactly those; before, any stated purpose.
 * The native <dialog> keeps focus inside and closes on Escape; focus returns to the button that opened it.
 */
export function PurposeDialog({
  title,
  intro,
  submitLabel,
  initialPurpose = '',
  error,
  busy,
  onSubmit,
  onCancel,
}: {
  title: string;
  intro?: ReactNode;
  submitLabel: string;
  initialPurpose?: string;
  /** A failure of the last submission, shown in the dialog. */
  error?: string | null;
  busy?: boolean;
  onSubmit: (purpose: string) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const [purpose, setPurpose] = useState(initialPurpose);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const rules = useLoad(async () => {
    try {
      return await call(api.GET('/api/v1/rules/current'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }, []);
  const zh = i18n.language.startsWith('zh');
  const choices = rules.data
    ? [
        ...rules.data.purposes.map((p) => ({
          value: p.key,
          label: `${(zh ? p.nameZh || p.nameEn : p.nameEn || p.nameZh) ?? p.key} (${p.key})`,
        })),
        ...LEGAL_PURPOSES.map((k) => ({ value: k, label: t(`purpose.legal.${k}`) })),
      ]
    : null;

  // A refusal from the server keeps the dialog open: the reader is taken to its message.
  useEffect(() => {
    if (error) focusFirstProblem(ref.current);
  }, [error]);

  useEffect(() => {
    opener.current = document.activeElement;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (opener.current instanceof HTMLElement) opener.current.focus();
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = purpose.trim();
    if (choices && !p) return setFieldError(t('purpose.chooseOne'));
    if (p.length < 2) return setFieldError(t('purpose.tooShort'));
    setFieldError(undefined);
    onSubmit(p);
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        // Escape: React owns the dialog's life, so close through the parent.
        e.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>{title}</h2>
        {intro ? <p>{intro}</p> : null}
        <ErrorBanner message={error} />
        {choices ? (
          <SelectField
            label={t('purpose.label')}
            hint={t('purpose.publishedHint')}
            value={purpose}
            onChange={setPurpose}
            error={fieldError}
            autoFocus
            required
            options={[{ value: '', label: t('purpose.choose') }, ...choices]}
          />
        ) : (
          <>
            <TextField
              label={t('purpose.label')}
              hint={t('purpose.hint')}
              value={purpose}
              onChange={setPurpose}
              error={fieldError}
              autoFocus
              required
              minLength={2}
              maxLength={200}
              list={`${id}-suggestions`}
            />
            <datalist id={`${id}-suggestions`}>
              {(t('purpose.suggestions', { returnObjects: true }) as string[]).map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </>
        )}
        <FormActions submitLabel={submitLabel} busy={busy} onCancel={onCancel} />
      </form>
    </dialog>
  );
}
