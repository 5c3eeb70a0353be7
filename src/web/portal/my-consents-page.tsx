import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, call } from '../api.js';
import { createClient } from '../../client/index.js';
import type { paths } from '../../client/schema.js';
import { ErrorBanner } from '../components/error-banner.js';
import { TextField } from '../components/form-field.js';
import { Loading } from '../components/loading.js';
import { useErrorText } from '../error-text.js';
import { useDateTime } from '../format.js';
import { useTitle } from '../use-title.js';
import './my-consents.css';

type Consents = paths['/api/v1/portal/consents']['get']['responses'][200]['content']['application/json'];
type Item = Consents['items'][number];

// The portal's CSRF token lives in memory only, apart from a staff session's: the cookie is HttpOnly, and a
// reload asks /portal/session again.
let portalCsrf: string | null = null;
const portalApi = createClient({ csrfToken: () => portalCsrf });

type Step = 'loading' | 'contact' | 'code' | 'list';

/**
 * "My consents": the person proves a phone or e-mail with a one-time code, then sees every consent-based
 * purpose and withdraws a consent with one click (PIPL 15: as easy as giving it).
 */
export function MyConsentsPage() {
  const { t, i18n } = useTranslation();
  useTitle(t('myConsents.title'));
  const errorText = useErrorText();
  const [step, setStep] = useState<Step>('loading');
  const [contact, setContact] = useState('');
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<{ field: 'contact' | 'code'; text: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The status is kept as a message key, so it follows a change of language.
  const [status, setStatus] = useState<{ key: string; item?: Item } | null>(null);
  const [busy, setBusy] = useState(false);
  const [data, setData] = useState<Consents | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const say = (err: unknown): string => {
    if (err instanceof ApiError) {
      const key = `myConsents.errors.${err.code}`;
      if (i18n.exists(key)) return t(key);
    }
    return errorText(err);
  };

  const loadConsents = async () => {
    setData(await call(portalApi.GET('/api/v1/portal/consents')));
    setStep('list');
  };

  useEffect(() => {
    let live = true;
    call(portalApi.GET('/api/v1/portal/session'))
      .then(async (s) => {
        if (!s.signedIn || !s.csrfToken) return void (live && setStep('contact'));
        portalCsrf = s.csrfToken;
        if (live) await loadConsents();
      })
      .catch(() => live && setStep('contact'));
    return () => {
      live = false;
    };
  }, []);

  // Focus follows the step, so keyboard and screen-reader users land on what is new.
  useEffect(() => {
    if (step !== 'loading') heading.current?.focus();
  }, [step]);

  const run = async (fn: () => Promise<void>, field?: 'contact' | 'code') => {
    setBusy(true);
    setError(null);
    setFieldError(null);
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && err.code === 'portal_session_required') {
        portalCsrf = null;
        setData(null);
        setStep('contact');
        setStatus({ key: 'myConsents.expired' });
      } else if (field && err instanceof ApiError && err.status < 500 && err.status !== 429)
        setFieldError({ field, text: say(err) });
      else setError(err instanceof ApiError ? new Error(say(err)) : err);
    } finally {
      setBusy(false);
    }
  };

  const sendCode = (e?: FormEvent) => {
    e?.preventDefault();
    void run(async () => {
      await call(portalApi.POST('/api/v1/portal/otp', { body: { contact } }));
      setCode('');
      setStep('code');
      setStatus({ key: 'myConsents.codeSent' });
    }, 'contact');
  };

  const verify = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const s = await call(
        portalApi.POST('/api/v1/portal/otp/verify', { body: { contact, code: code.trim() } }),
      );
      portalCsrf = s.csrfToken;
      await loadConsents();
      setStatus({ key: 'myConsents.verified' });
    }, 'code');
  };

  const decide = (item: Item, action: 'withdraw' | 'give') =>
    run(async () => {
      const params = { path: { purpose: item.purpose } };
      const updated = await call(
        action === 'withdraw'
          ? portalApi.POST('/api/v1/portal/consents/{purpose}/withdraw', { params })
          : portalApi.POST('/api/v1/portal/consents/{purpose}/give', { params }),
      );
      setData((d) => d && { ...d, items: d.items.map((x) => (x.purpose === item.purpose ? updated : x)) });
      setStatus({ key: action === 'withdraw' ? 'myConsents.withdrawn' : 'myConsents.given', item });
    });

  const signOut = () =>
    run(async () => {
      await call(portalApi.POST('/api/v1/portal/logout'));
      portalCsrf = null;
      setData(null);
      setContact('');
      setCode('');
      setStep('contact');
      setStatus({ key: 'myConsents.signedOut' });
    });

  return (
    <article className="page my-consents">
      <h1 ref={heading} tabIndex={-1}>
        {t('myConsents.title')}
      </h1>
      <p className="lead">{t('myConsents.intro')}</p>
      <p className={status ? 'banner banner-ok' : 'visually-empty'} role="status" aria-live="polite">
        {status
          ? t(status.key, {
              name: status.item && (i18n.language.startsWith('zh') ? status.item.nameZh : status.item.nameEn),
            })
          : null}
      </p>
      <ErrorBanner error={error} />
      {step === 'loading' ? <Loading /> : null}

      {step === 'contact' ? (
        <form className="panel portal-form" onSubmit={sendCode} noValidate>
          <h2>{t('myConsents.step1')}</h2>
          <TextField
            label={t('myConsents.contact')}
            hint={t('myConsents.contactHint')}
            value={contact}
            onChange={setContact}
            error={fieldError?.field === 'contact' ? fieldError.text : undefined}
            autoComplete="username"
            inputMode="email"
            required
            maxLength={254}
          />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy || !contact.trim()}>
              {t('myConsents.sendCode')}
            </button>
          </div>
        </form>
      ) : null}

      {step === 'code' ? (
        <form className="panel portal-form" onSubmit={verify} noValidate>
          <h2>{t('myConsents.step2')}</h2>
          <TextField
            label={t('myConsents.code')}
            hint={t('myConsents.codeHint')}
            value={code}
            onChange={(v) => setCode(v.replace(/\D/g, '').slice(0, 6))}
            error={fieldError?.field === 'code' ? fieldError.text : undefined}
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9]{6}"
            required
            maxLength={6}
          />
          <div className="form-actions button-row">
            <button type="submit" className="button button-primary" disabled={busy || code.length !== 6}>
              {t('myConsents.verify')}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => sendCode()}>
              {t('myConsents.resend')}
            </button>
            <button
              type="button"
              className="button button-link"
              onClick={() => {
                setStep('contact');
                setStatus(null);
              }}
            >
              {t('myConsents.otherContact')}
            </button>
          </div>
        </form>
      ) : null}

      {step === 'list' && data ? (
        <ConsentList
          data={data}
          busy={busy}
          onWithdraw={(i) => void decide(i, 'withdraw')}
          onGive={(i) => void decide(i, 'give')}
          onSignOut={() => void signOut()}
        />
      ) : null}
    </article>
  );
}

function ConsentList({
  data,
  busy,
  onWithdraw,
  onGive,
  onSignOut,
}: {
  data: Consents;
  busy: boolean;
  onWithdraw: (i: Item) => void;
  onGive: (i: Item) => void;
  onSignOut: () => void;
}) {
  const { t, i18n } = useTranslation();
  const dt = useDateTime();
  const zh = i18n.language.startsWith('zh');
  const channel = (c: string | null) => (c ? t(`myConsents.channels.${c}`, { defaultValue: c }) : '');
  return (
    <section aria-labelledby="my-consents-list">
      <div className="my-consents-head">
        <h2 id="my-consents-list">{t('myConsents.listTitle')}</h2>
        <button type="button" className="button" onClick={onSignOut} disabled={busy}>
          {t('myConsents.signOut')}
        </button>
      </div>
      {data.rulesVersion === null || !data.items.length ? (
        <p>{t('myConsents.none')}</p>
      ) : (
        <p>
          {t('myConsents.underRules', { version: data.rulesVersion })}{' '}
          <Link to="/rules">{t('portal.rules')}</Link>
        </p>
      )}
      <ul className="consent-list">
        {data.items.map((item) => {
          const name = zh ? item.nameZh : item.nameEn;
          const headingId = `consent-${item.purpose}`;
          const notesId = `consent-${item.purpose}-notes`;
          return (
            <li key={item.purpose} className="panel consent-item">
              <h3 id={headingId}>{name}</h3>
              <p>{zh ? item.descriptionZh : item.descriptionEn}</p>
              <p className="consent-categories">
                {t('myConsents.categories', {
                  list: item.categories.map((c) => (zh ? c.zh : c.en)).join(t('myConsents.listSeparator')),
                })}
              </p>
              <p className={`consent-state consent-${item.state}`}>
                <span className={`badge ${item.state === 'given' ? 'badge-ok' : 'badge-warn'}`}>
                  {t(`myConsents.states.${item.state}`)}
                </span>{' '}
                {item.at
                  ? t('myConsents.stateDetail', {
                      version: item.rulesVersion,
                      at: dt(item.at),
                      channel: channel(item.channel),
                    })
                  : null}
              </p>
              <div className="button-row">
                {item.state === 'reconsent' ? (
                  // The consent stands for what it covered; the widened scope needs it given again.
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() => onGive(item)}
                    aria-label={t('myConsents.giveAgainNamed', { name })}
                    aria-describedby={notesId}
                  >
                    {t('myConsents.giveAgain')}
                  </button>
                ) : null}
                {item.state === 'given' || item.state === 'reconsent' ? (
                  <button
                    type="button"
                    className="button button-danger"
                    disabled={busy}
                    onClick={() => onWithdraw(item)}
                    aria-label={t('myConsents.withdrawNamed', { name })}
                  >
                    {t('myConsents.withdraw')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() => onGive(item)}
                    aria-label={t('myConsents.giveNamed', { name })}
                    aria-describedby={item.separate.length ? notesId : undefined}
                  >
                    {t('myConsents.give')}
                  </button>
                )}
              </div>
              {/* What giving consent here means, read out with the buttons that give it. */}
              <div id={notesId}>
                {item.state === 'reconsent' ? (
                  <>
                    <p className="field-hint">{t('myConsents.reconsentNote')}</p>
                    {item.widened ? (
                      // What the rules in force add to what the person agreed to (PIPL 14).
                      <ul className="field-hint" aria-label={t('myConsents.widenedTitle')}>
                        {item.widened.categories.length ? (
                          <li>
                            {t('myConsents.widenedCategories', {
                              list: item.widened.categories
                                .map((c) => (zh ? c.zh : c.en))
                                .join(t('myConsents.listSeparator')),
                            })}
                          </li>
                        ) : null}
                        {item.widened.methods.length ? (
                          <li>
                            {t('myConsents.widenedMethods', {
                              list: item.widened.methods
                                .map((m) => t(`rulesText.method.${m}`, { defaultValue: m }))
                                .join(t('myConsents.listSeparator')),
                            })}
                          </li>
                        ) : null}
                        {item.widened.recipients.length ? (
                          <li>
                            {t('myConsents.widenedRecipients', {
                              list: item.widened.recipients
                                .map((r) => (zh ? r.name : r.nameEn || r.name))
                                .join(t('myConsents.listSeparator')),
                            })}
                          </li>
                        ) : null}
                        {item.widened.terms.length ? (
                          <li>
                            {t('myConsents.widenedTerms', {
                              list: item.widened.terms
                                .map((term) => {
                                  const [kind, rest = ''] = term.split(/:(.*)/s);
                                  const [destination, recipient] = rest.split('/');
                                  return t(`myConsents.widenedTerm.${kind}`, {
                                    destination,
                                    recipient,
                                    defaultValue: kind,
                                  });
                                })
                                .join(t('myConsents.listSeparator')),
                            })}
                          </li>
                        ) : null}
                      </ul>
                    ) : null}
                  </>
                ) : null}
                {item.state !== 'given' && item.separate.length ? (
                  <p className="field-hint">
                    {t('myConsents.separateNote', {
                      list: item.separate
                        .map((s) => t(`myConsents.separate.${s}`, { defaultValue: s }))
                        .join(t('myConsents.listSeparator')),
                    })}
                  </p>
                ) : null}
              </div>
              {item.history.length ? (
                <details>
                  <summary>{t('myConsents.history', { count: item.history.length })}</summary>
                  <ol className="consent-history">
                    {item.history.map((h) => (
                      <li key={h.at}>
                        {dt(h.at)} · {t(h.given ? 'myConsents.states.given' : 'myConsents.states.withdrawn')}{' '}
                        · {t('myConsents.version', { version: h.rulesVersion })} · {channel(h.channel)}
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
