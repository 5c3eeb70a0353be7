import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, type RuleSet } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { TextField } from '../components/form-field.js';
import { FormPanel } from '../components/form-panel.js';
import { PageHead } from '../components/page-head.js';
import { useSubmit } from '../use-submit.js';
import { useDateTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

/** Rule sets of the screening gate: every published, active set applies to every screened item. */
export function RuleSetsPage() {
  const { t } = useTranslation();
  useTitle(t('ruleSets.title'));
  const dt = useDateTime();
  const { can } = useSignedIn();
  const list = useLoad(() => call(api.GET('/api/v1/rule-sets')), []);
  const [creating, setCreating] = useState(false);

  return (
    <div className="page">
      <PageHead
        title={t('ruleSets.title')}
        createLabel={t('ruleSets.newSet')}
        canCreate={can('rulesets:write') && !creating}
        onCreate={() => setCreating(true)}
      />
      <p className="lead">{t('ruleSets.intro')}</p>
      {creating ? <CreateRuleSet onCancel={() => setCreating(false)} /> : null}
      <ErrorBanner error={list.error} />
      <DataTable<RuleSet>
        caption={t('ruleSets.list')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(r) => r.id}
        columns={[
          {
            key: 'name',
            header: t('ruleSets.colName'),
            render: (r) => (
              <>
                <Link to={`/console/rule-sets/${r.id}`}>{r.name}</Link>
                {r.description ? (
                  <>
                    <br />
                    <span className="muted">{r.description}</span>
                  </>
                ) : null}
              </>
            ),
          },
          {
            key: 'state',
            header: t('ruleSets.colState'),
            render: (r) =>
              r.active ? (
                <span className="badge badge-ok">{t('ruleSets.active')}</span>
              ) : (
                <span className="badge">{t('ruleSets.inactive')}</span>
              ),
          },
          {
            key: 'published',
            header: t('ruleSets.colPublished'),
            render: (r) =>
              r.publishedVersion
                ? t('ruleSets.versionN', { version: r.publishedVersion })
                : t('ruleSets.notPublished'),
          },
          {
            key: 'latest',
            header: t('ruleSets.colLatest'),
            render: (r) =>
              r.latestVersion ? t('ruleSets.versionN', { version: r.latestVersion }) : t('common.none'),
          },
          {
            key: 'updated',
            header: t('ruleSets.colUpdated'),
            className: 'nowrap',
            render: (r) => dt(r.updatedAt),
          },
        ]}
      />
    </div>
  );
}

function CreateRuleSet({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { errors, busy, run } = useSubmit(['name', 'description']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    await run(
      async () => {
        const r = await call(
          api.POST('/api/v1/rule-sets', {
            body: { name: name.trim(), description: description.trim() || undefined },
          }),
        );
        navigate(`/console/rule-sets/${r.id}`);
      },
      { staysBusy: true },
    );
  };

  return (
    <FormPanel
      titleId="create-set-title"
      title={t('ruleSets.createTitle')}
      banner={errors.banner}
      onSubmit={submit}
      submitLabel={t('ruleSets.create')}
      busy={busy}
      onCancel={onCancel}
    >
      <div className="form-grid">
        <TextField
          label={t('ruleSets.name')}
          value={name}
          onChange={setName}
          error={errors.field('name')}
          autoFocus
          required
          maxLength={100}
        />
        <TextField
          label={t('ruleSets.description')}
          value={description}
          onChange={setDescription}
          error={errors.field('description')}
          maxLength={1000}
        />
      </div>
    </FormPanel>
  );
}
