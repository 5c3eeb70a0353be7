import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type ApiKey, type Scope } from '../api.js';
import { ConfirmPrompt } from '../components/confirm-prompt.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import { CheckboxField, FieldGroup, TextField } from '../components/form-field.js';
import { FormPanel } from '../components/form-panel.js';
import { SecretReveal } from '../components/secret-reveal.js';
import { PageHead } from '../components/page-head.js';
import { useErrorText } from '../error-text.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { useRoles } from './use-roles.js';

/** API keys for the provider's servers: list, create (the key is shown once), revoke. */
export function ApiKeysPage() {
  const { t } = useTranslation();
  useTitle(t('apiKeys.title'));
  const dt = useDateTime();
  const errorText = useErrorText();
  const { can } = useSignedIn();
  const writable = can('apikeys:write');
  const list = useLoad(() => call(api.GET('/api/v1/api-keys')), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (k: ApiKey) => {
    setError(null);
    try {
      await call(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: k.id } } }));
      setNotice(t('apiKeys.revokedDone', { name: k.name }));
      list.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setConfirming(null);
    }
  };

  return (
    <div className="page">
      <PageHead
        title={t('apiKeys.title')}
        createLabel={t('apiKeys.newKey')}
        canCreate={writable && !creating && !created}
        onCreate={() => {
          setCreating(true);
          setNotice(null);
        }}
      />
      <p className="lead">{t('apiKeys.intro')}</p>
      <Notice>{notice}</Notice>
      <ErrorBanner message={error} />
      {created ? (
        <SecretReveal label={t('apiKeys.keyLabel')} secret={created.key} onDone={() => setCreated(null)} />
      ) : null}
      {creating ? (
        <CreateKey
          onCancel={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            setCreated({ name: k.name, key: k.key });
            setNotice(t('apiKeys.created', { name: k.name }));
            list.reload();
          }}
        />
      ) : null}
      <ErrorBanner error={list.error} />
      <DataTable<ApiKey>
        caption={t('apiKeys.list')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(k) => k.id}
        columns={[
          { key: 'name', header: t('apiKeys.colName'), render: (k) => <strong>{k.name}</strong> },
          { key: 'prefix', header: t('apiKeys.colPrefix'), render: (k) => <code>cus_{k.prefix}_…</code> },
          {
            key: 'scopes',
            header: t('apiKeys.colScopes'),
            render: (k) => <span className="mono">{k.scopes.join(', ')}</span>,
          },
          {
            key: 'created',
            header: t('apiKeys.colCreated'),
            className: 'nowrap',
            render: (k) => dt(k.createdAt),
          },
          {
            key: 'used',
            header: t('apiKeys.colLastUsed'),
            className: 'nowrap',
            render: (k) => (k.lastUsedAt ? dt(k.lastUsedAt) : t('common.never')),
          },
          {
            key: 'status',
            header: t('apiKeys.colStatus'),
            render: (k) =>
              k.revokedAt ? (
                <span className="badge badge-bad">{t('apiKeys.revoked', { at: dt(k.revokedAt) })}</span>
              ) : (
                <span className="badge badge-ok">{t('apiKeys.active')}</span>
              ),
          },
          ...(writable
            ? [
                {
                  key: 'actions',
                  header: t('common.actions'),
                  render: (k: ApiKey) =>
                    k.revokedAt ? null : confirming === k.id ? (
                      <ConfirmPrompt
                        question={t('apiKeys.confirmRevoke', { name: k.name })}
                        confirmLabel={t('apiKeys.revoke')}
                        onConfirm={() => revoke(k)}
                        onCancel={() => setConfirming(null)}
                      />
                    ) : (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        aria-label={`${t('apiKeys.revoke')} ${k.name}`}
                        onClick={() => setConfirming(k.id)}
                      >
                        {t('apiKeys.revoke')}
                      </button>
                    ),
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}

function CreateKey({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (k: ApiKey & { key: string }) => void;
}) {
  const { t } = useTranslation();
  const { permissions } = useRoles();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const { errors, busy, run } = useSubmit(['name', 'scopes']);
  const all = scopes.includes('all');

  const toggle = (scope: string, on: boolean) =>
    setScopes((s) => (on ? [...s.filter((x) => x !== scope), scope] : s.filter((x) => x !== scope)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    if (!scopes.length) return errors.set('scopes', t('apiKeys.scopesRequired'));
    await run(async () => {
      const body = { name, scopes: (all ? ['all'] : scopes) as Scope[] };
      onCreated(await call(api.POST('/api/v1/api-keys', { body })));
    });
  };

  return (
    <FormPanel
      titleId="create-key-title"
      title={t('apiKeys.createTitle')}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('apiKeys.create')}
      busy={busy}
      onCancel={onCancel}
    >
      <TextField
        label={t('apiKeys.name')}
        hint={t('apiKeys.nameHint')}
        value={name}
        onChange={setName}
        error={errors.field('name')}
        autoFocus
        autoComplete="off"
        required
        maxLength={100}
      />
      <FieldGroup legend={t('apiKeys.scopes')} error={errors.field('scopes')}>
        <CheckboxField label={t('apiKeys.allScopes')} checked={all} onChange={(on) => toggle('all', on)} />
        <div className="checks">
          {permissions.map((p) => (
            <CheckboxField
              key={p}
              label={<span className="mono">{p}</span>}
              checked={all || scopes.includes(p)}
              disabled={all}
              onChange={(on) => toggle(p, on)}
            />
          ))}
        </div>
      </FieldGroup>
    </FormPanel>
  );
}
