import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type Role, type User } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner, Notice } from '../components/error-banner.js';
import {
  CheckboxField,
  PasswordField,
  SelectField,
  TextField,
  UsernameField,
} from '../components/form-field.js';
import { FormActions, FormPanel } from '../components/form-panel.js';
import { PagePagination } from '../components/pagination.js';
import { PageHead } from '../components/page-head.js';
import { useFormErrors } from '../form-errors.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';
import { useRoles, type RoleInfo } from './use-roles.js';

const PAGE = 20;

/** Staff users: search, filter by role, create, edit role or disable, lift lockouts, set a new password. */
export function UsersPage() {
  const { t } = useTranslation();
  useTitle(t('users.title'));
  const dt = useDateTime();
  const { can } = useSignedIn();
  const writable = can('users:write');
  const roles = useRoles();
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [query, setQuery] = useState({ q: '', role: '' });
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const list = useLoad(
    () =>
      call(
        api.GET('/api/v1/users', {
          params: { query: { q: query.q || undefined, role: query.role || undefined, limit: PAGE, offset } },
        }),
      ),
    [query, offset],
  );

  const applyFilter = (e: FormEvent) => {
    e.preventDefault();
    setOffset(0);
    setQuery({ q: q.trim(), role });
  };

  const roleOptions = roles.roles.map((r) => ({ value: r.role, label: roles.label(r.role) }));

  return (
    <div className="page">
      <PageHead
        title={t('users.title')}
        createLabel={t('users.newUser')}
        canCreate={writable && !creating}
        onCreate={() => {
          setCreating(true);
          setNotice(null);
        }}
      />
      <Notice>{notice}</Notice>
      {creating ? (
        <CreateUser
          roles={roles.roles}
          roleLabel={roles.label}
          onCancel={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setNotice(t('users.created', { name: u.username }));
            list.reload();
          }}
        />
      ) : null}
      {editing ? (
        <EditUser
          key={editing.id}
          user={editing}
          roleOptions={roleOptions}
          onClose={() => setEditing(null)}
          onChanged={(msg) => {
            setNotice(msg);
            list.reload();
          }}
        />
      ) : null}

      <form className="filters" role="search" onSubmit={applyFilter}>
        <div className="form-grid">
          <TextField label={t('users.searchLabel')} type="search" value={q} onChange={setQ} maxLength={64} />
          <SelectField
            label={t('users.roleFilter')}
            value={role}
            onChange={setRole}
            options={[{ value: '', label: t('roles.all') }, ...roleOptions]}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            {t('users.filter')}
          </button>
        </div>
      </form>

      <ErrorBanner error={list.error} />
      <DataTable<User>
        caption={t('users.list')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(u) => u.id}
        columns={[
          {
            key: 'user',
            header: t('users.colUser'),
            render: (u) => (
              <>
                <strong>{u.displayName}</strong>
                <br />
                <span className="mono">{u.username}</span>
              </>
            ),
          },
          { key: 'role', header: t('users.colRole'), render: (u) => roles.label(u.role) },
          {
            key: 'status',
            header: t('users.colStatus'),
            render: (u) =>
              u.disabled ? (
                <span className="badge badge-bad">{t('users.disabled')}</span>
              ) : (
                <span className="badge badge-ok">{t('users.active')}</span>
              ),
          },
          {
            key: 'totp',
            header: t('users.colTotp'),
            render: (u) => (u.totpEnabled ? t('common.yes') : t('common.no')),
          },
          {
            key: 'last',
            header: t('users.colLastLogin'),
            className: 'nowrap',
            render: (u) => (u.lastLoginAt ? dt(u.lastLoginAt) : t('common.never')),
          },
          ...(writable
            ? [
                {
                  key: 'actions',
                  header: t('common.actions'),
                  render: (u: User) => (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`${t('users.edit')} ${u.username}`}
                      onClick={() => {
                        setEditing(u);
                        setNotice(null);
                      }}
                    >
                      {t('users.edit')}
                    </button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <PagePagination page={list.data} offset={offset} limit={PAGE} onChange={setOffset} />
    </div>
  );
}

function CreateUser({
  roles,
  roleLabel,
  onCancel,
  onCreated,
}: {
  roles: RoleInfo[];
  roleLabel: (r: string) => string;
  onCancel: () => void;
  onCreated: (u: User) => void;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('moderator');
  const { errors, busy, run } = useSubmit(['username', 'displayName', 'password', 'role']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      const user = await call(
        api.POST('/api/v1/users', {
          body: {
            username,
            displayName: displayName || undefined,
            password,
            role: role as Role,
          },
        }),
      );
      onCreated(user);
    });
  };

  return (
    <FormPanel
      titleId="create-user-title"
      title={t('users.createTitle')}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('users.create')}
      busy={busy}
      onCancel={onCancel}
    >
      <div className="form-grid">
        <UsernameField
          label={t('users.username')}
          value={username}
          onChange={setUsername}
          error={errors.field('username')}
          autoFocus
          autoComplete="off"
          minLength={3}
          maxLength={64}
        />
        <TextField
          label={t('users.displayName')}
          value={displayName}
          onChange={setDisplayName}
          error={errors.field('displayName')}
          autoComplete="off"
          maxLength={100}
        />
        <PasswordField
          kind="new"
          label={t('users.initialPassword')}
          hint={t('users.passwordHint')}
          value={password}
          onChange={setPassword}
          error={errors.field('password')}
        />
        <SelectField
          label={t('users.role')}
          value={role}
          onChange={setRole}
          error={errors.field('role')}
          options={roles.map((r) => ({ value: r.role, label: roleLabel(r.role) }))}
        />
      </div>
    </FormPanel>
  );
}

function EditUser({
  user,
  roleOptions,
  onClose,
  onChanged,
}: {
  user: User;
  roleOptions: { value: string; label: string }[];
  onClose: () => void;
  onChanged: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState(user.role);
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const { errors, busy, run } = useSubmit(['displayName', 'role', 'disabled']);
  const pwErrors = useFormErrors(['password']);
  const name = user.username;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      await call(
        api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: user.id } },
          body: { displayName, role: role as Role, disabled },
        }),
      );
      onChanged(t('users.updated', { name }));
      onClose();
    });
  };

  const unlock = async () => {
    errors.clear();
    await run(async () => {
      await call(api.POST('/api/v1/users/{id}/unlock', { params: { path: { id: user.id } } }));
      onChanged(t('users.unlocked', { name }));
    });
  };

  const resetPassword = async (e: FormEvent) => {
    e.preventDefault();
    pwErrors.clear();
    await run(
      async () => {
        await call(
          api.POST('/api/v1/users/{id}/password', { params: { path: { id: user.id } }, body: { password } }),
        );
        setPassword('');
        onChanged(t('users.resetDone', { name }));
      },
      { showError: pwErrors.show },
    );
  };

  return (
    <FormPanel
      titleId="edit-user-title"
      title={t('users.editTitle', { name })}
      banner={errors.banner}
      onSubmit={save}
      submitLabel={t('common.save')}
      busy={busy}
      onCancel={onClose}
      cancelLabel={t('common.close')}
      actions={
        <button type="button" className="button" onClick={unlock} disabled={busy}>
          {t('users.unlock')}
        </button>
      }
      after={
        <>
          <h3>{t('users.resetTitle')}</h3>
          <ErrorBanner message={pwErrors.banner} />
          <form onSubmit={resetPassword}>
            <div className="form-grid">
              <PasswordField
                kind="new"
                label={t('users.newPassword')}
                hint={t('users.passwordHint')}
                value={password}
                onChange={setPassword}
                error={pwErrors.field('password')}
              />
            </div>
            <FormActions submitLabel={t('users.resetSubmit')} submitClassName="button" busy={busy} />
          </form>
        </>
      }
    >
      <div className="form-grid">
        <TextField
          label={t('users.displayName')}
          value={displayName}
          onChange={setDisplayName}
          error={errors.field('displayName')}
          autoFocus
          maxLength={100}
        />
        <SelectField
          label={t('users.role')}
          value={role}
          onChange={setRole}
          error={errors.field('role')}
          options={roleOptions}
        />
      </div>
      <CheckboxField
        label={t('users.disabledField')}
        checked={disabled}
        onChange={setDisabled}
        error={errors.field('disabled')}
      />
    </FormPanel>
  );
}
