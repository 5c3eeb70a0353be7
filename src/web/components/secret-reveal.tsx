import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A secret shown once (API key, webhook signing secret): read-only text, a copy button and a warning. */
export function SecretReveal({
  label,
  secret,
  onDone,
}: {
  label: string;
  secret: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  const doCopy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      input.current?.select();
      setCopy('failed');
    }
  };

  return (
    <section className="secret-reveal" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{label}</h3>
      <p className="warning" id={`${id}-warn`}>
        {t('common.secretOnce')}
      </p>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <div className="secret-row">
          <input
            ref={input}
            id={id}
            className="mono"
            readOnly
            autoFocus
            value={secret}
            aria-describedby={`${id}-warn`}
            onFocus={(e) => e.target.select()}
          />
          <button type="button" className="button" onClick={doCopy}>
            {t('common.copy')}
          </button>
        </div>
        <p className="field-hint" role="status">
          {copy === 'copied' ? t('common.copied') : copy === 'failed' ? t('common.copyFailed') : ''}
        </p>
      </div>
      <button type="button" className="button button-primary" onClick={onDone}>
        {t('common.secretDone')}
      </button>
    </section>
  );
}
