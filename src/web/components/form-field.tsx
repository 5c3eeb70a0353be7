import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface FieldShell {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
}

/** Ids for a field's hint and error, joined for aria-describedby. */
function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldNotes({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </>
  );
}

type TextFieldProps = FieldShell &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
    value: string;
    onChange: (value: string) => void;
  };

/** A labelled text input; its hint and error are announced with it. */
export function TextField({ label, hint, error, value, onChange, ...input }: TextFieldProps) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/**
 * A password input. `kind` tells the browser's password manager whether to fill the saved password
 * (`current`) or to offer a new one (`new`).
 */
export function PasswordField({
  kind,
  ...props
}: Omit<TextFieldProps, 'type'> & { kind: 'current' | 'new' }) {
  return <TextField type="password" autoComplete={`${kind}-password`} required {...props} />;
}

/** A six-digit authenticator code: digits only, offered by the device's one-time-code autofill. */
export function OneTimeCodeField({ onChange, ...props }: TextFieldProps) {
  return (
    <TextField
      onChange={(v) => onChange(v.replace(/\D/g, '').slice(0, 6))}
      autoComplete="one-time-code"
      inputMode="numeric"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      {...props}
    />
  );
}

/** A user name, typed exactly: no capitals or spell check added by the device. */
export function UsernameField(props: TextFieldProps) {
  return <TextField autoCapitalize="none" spellCheck={false} required {...props} />;
}

type TextAreaFieldProps = FieldShell &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> & {
    value: string;
    onChange: (value: string) => void;
  };

/** A labelled multi-line input (rules, statements of reasons); hint and error announced with it. */
export function TextAreaField({ label, hint, error, value, onChange, ...area }: TextAreaFieldProps) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...area}
      />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

type SelectFieldProps = FieldShell &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
    value: string;
    onChange: (value: string) => void;
    options: { value: string; label: string }[];
  };

export function SelectField({
  label,
  hint,
  error,
  value,
  onChange,
  options,
  className,
  ...select
}: SelectFieldProps) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

type CheckboxFieldProps = FieldShell & {
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
};

export function CheckboxField({ label, hint, error, checked, onChange, disabled }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className={`field field-check${error ? ' field-invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
      <label htmlFor={id}>{label}</label>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/**
 * A group of checkboxes or rows under its legend; its error stands below the legend and is announced
 * with the group.
 */
export function FieldGroup({
  legend,
  error,
  children,
}: {
  legend: ReactNode;
  error?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset
      className={`field-group${error ? ' field-invalid' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}
