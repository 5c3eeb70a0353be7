import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { ConfirmPrompt } from '../components/confirm-prompt.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { TextField } from '../components/form-field.js';
import { FormPanel } from '../components/form-panel.js';
import { Pagination } from '../components/pagination.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { PageHead } from '../components/page-head.js';
import { useErrorText } from '../error-text.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

const PAGE = 20;

interface Endpoint {
  id: string;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
}

interface Delivery {
  id: string;
  endpointId: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** Webhook endpoints (add, pause, remove; the signing secret shown once) and the delivery log. */
export function WebhooksPage() {
  const { t } = useTranslation();
  useTitle(t('webhooks.title'));
  const dt = useDateTime();
  const errorText = useErrorText();
  const { can } = useSignedIn();
  const writable = can('webhooks:write');
  const endpoints = useLoad(() => call(api.GET('/api/v1/webhooks')), []);
  const [offset, setOffset] = useState(0);
  const deliveries = useLoad(
    () => call(api.GET('/api/v1/webhooks/deliveries', { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const names = useMemo(
    () => new Map((endpoints.data?.items ?? []).map((e) => [e.id, e.name])),
    [endpoints.data],
  );

  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      if (done) setNotice(done);
      endpoints.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setConfirming(null);
    }
  };

  const setActive = (e: Endpoint, active: boolean) =>
    act(() => call(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: e.id } }, body: { active } })));
  const remove = (e: Endpoint) =>
    act(() => call(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: e.id } } })));

  return (
    <div className="page">
      <PageHead
        title={t('webhooks.title')}
        createLabel={t('webhooks.newEndpoint')}
        canCreate={writable && !creating && !secret}
        onCreate={() => {
          setCreating(true);
          setNotice(null);
        }}
      />
      <p className="lead">{t('webhooks.intro')}</p>
      <Notice>{notice}</Notice>
      <ErrorBanner message={error} />
      {secret ? (
        <SecretReveal label={t('webhooks.secretLabel')} secret={secret} onDone={() => setSecret(null)} />
      ) : null}
      {creating ? (
        <CreateEndpoint
          onCancel={() => setCreating(false)}
          onCreated={(e) => {
            setCreating(false);
            setSecret(e.secret);
            setNotice(t('webhooks.created', { name: e.name }));
            endpoints.reload();
          }}
        />
      ) : null}

      <h2>{t('webhooks.endpoints')}</h2>
      <ErrorBanner error={endpoints.error} />
      <DataTable<Endpoint>
        caption={t('webhooks.endpoints')}
        loading={endpoints.loading}
        rows={endpoints.data?.items}
        rowKey={(e) => e.id}
        columns={[
          { key: 'name', header: t('webhooks.colName'), render: (e) => <strong>{e.name}</strong> },
          {
            key: 'url',
            header: t('webhooks.colUrl'),
            className: 'details',
            render: (e) => <code>{e.url}</code>,
          },
          {
            key: 'events',
            header: t('webhooks.colEvents'),
            render: (e) => <code>{e.events.join(', ')}</code>,
          },
          {
            key: 'active',
            header: t('webhooks.colActive'),
            render: (e) =>
              e.active ? (
                <span className="badge badge-ok">{t('webhooks.active')}</span>
              ) : (
                <span className="badge badge-warn">{t('webhooks.paused')}</span>
              ),
          },
          ...(writable
            ? [
                {
                  key: 'actions',
                  header: t('common.actions'),
                  render: (e: Endpoint) =>
                    confirming === e.id ? (
                      <ConfirmPrompt
                        question={t('webhooks.confirmRemove', { name: e.name })}
                        confirmLabel={t('webhooks.remove')}
                        onConfirm={() => remove(e)}
                        onCancel={() => setConfirming(null)}
                      />
                    ) : (
                      <div className="button-row">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`${e.active ? t('webhooks.pause') : t('webhooks.resume')} ${e.name}`}
                          onClick={() => setActive(e, !e.active)}
                        >
                          {e.active ? t('webhooks.pause') : t('webhooks.resume')}
                        </button>
                        <button
                          type="button"
                          className="button button-small button-danger"
                          aria-label={`${t('webhooks.remove')} ${e.name}`}
                          onClick={() => setConfirming(e.id)}
                        >
                          {t('webhooks.remove')}
                        </button>
                      </div>
                    ),
                },
              ]
            : []),
        ]}
      />

      <div className="section-head">
        <h2>{t('webhooks.deliveries')}</h2>
        <button type="button" className="button" onClick={deliveries.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorBanner error={deliveries.error} />
      <DataTable<Delivery>
        caption={t('webhooks.deliveries')}
        loading={deliveries.loading}
        rows={deliveries.data?.items}
        rowKey={(d) => d.id}
        columns={[
          { key: 'event', header: t('webhooks.colEvent'), render: (d) => <code>{d.event}</code> },
          {
            key: 'endpoint',
            header: t('webhooks.colEndpoint'),
            render: (d) => names.get(d.endpointId) ?? d.endpointId,
          },
          {
            key: 'status',
            header: t('webhooks.colStatus'),
            render: (d) => (
              <span
                className={`badge${d.status === 'delivered' ? ' badge-ok' : d.status === 'failing' || d.status === 'dead' ? ' badge-bad' : ''}`}
              >
                {t(`webhooks.statuses.${d.status}`, { defaultValue: d.status })}
              </span>
            ),
          },
          { key: 'attempts', header: t('webhooks.colAttempts'), render: (d) => d.attempts },
          { key: 'code', header: t('webhooks.colCode'), render: (d) => d.lastStatusCode ?? t('common.none') },
          {
            key: 'error',
            header: t('webhooks.colError'),
            className: 'details',
            render: (d) => (d.lastError ? <code>{d.lastError}</code> : t('common.none')),
          },
          {
            key: 'created',
            header: t('webhooks.colCreated'),
            className: 'nowrap',
            render: (d) => dt(d.createdAt),
          },
          {
            key: 'delivered',
            header: t('webhooks.colDelivered'),
            className: 'nowrap',
            render: (d) => dt(d.deliveredAt),
          },
        ]}
      />
      {deliveries.data ? (
        <Pagination offset={offset} limit={PAGE} count={deliveries.data.items.length} onChange={setOffset} />
      ) : null}
    </div>
  );
}

function CreateEndpoint({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (e: Endpoint & { secret: string }) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [events, setEvents] = useState('*');
  const { errors, busy, run } = useSubmit(['name', 'url', 'events']);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    errors.clear();
    const list = events.split(/[\s,，]+/).filter(Boolean);
    if (!list.length) return errors.set('events', t('common.required'));
    await run(async () => {
      // Typed by hand: the server names any event it does not send (shown on the field).
      onCreated(await call(api.POST('/api/v1/webhooks', { body: { name, url, events: list as never } })));
    });
  };

  return (
    <FormPanel
      titleId="create-webhook-title"
      title={t('webhooks.createTitle')}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('webhooks.create')}
      busy={busy}
      onCancel={onCancel}
    >
      <div className="form-grid">
        <TextField
          label={t('webhooks.name')}
          value={name}
          onChange={setName}
          error={errors.field('name')}
          autoFocus
          required
          maxLength={100}
        />
        <TextField
          label={t('webhooks.url')}
          hint={t('webhooks.urlHint')}
          type="url"
          value={url}
          onChange={setUrl}
          error={errors.field('url')}
          required
          maxLength={2000}
          spellCheck={false}
        />
        <TextField
          label={t('webhooks.events')}
          hint={t('webhooks.eventsHint')}
          value={events}
          onChange={setEvents}
          error={errors.field('events')}
          spellCheck={false}
        />
      </div>
    </FormPanel>
  );
}
