import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, call, type Subject } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { SelectField, TextField } from '../components/form-field.js';
import { PagePagination } from '../components/pagination.js';
import { PageHead } from '../components/page-head.js';
import { useFormErrors } from '../form-errors.js';
import { useDateTime } from '../format.js';
import { SEARCHABLE_TYPES, useLabels, type SearchableType } from '../labels.js';
import { useSignedIn } from '../session.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

const PAGE = 20;

interface Query {
  type: SearchableType | '';
  value: string;
  externalId: string;
}
const EMPTY: Query = { type: '', value: '', externalId: '' };

/**
 * Finds subjects by an exact value (phone, e-mail, ID number…) or by the provider's account id, or lists
 * them. The value is kept in memory only, never in the address: it is personal information.
 */
export function SubjectsPage() {
  const { t } = useTranslation();
  useTitle(t('subjects.title'));
  const dt = useDateTime();
  const labels = useLabels();
  const { can } = useSignedIn();
  const [draft, setDraft] = useState<Query>(EMPTY);
  const [query, setQuery] = useState<Query>(EMPTY);
  const [offset, setOffset] = useState(0);
  const errors = useFormErrors(['type', 'value', 'externalId']);

  const list = useLoad(
    () =>
      call(
        api.GET('/api/v1/subjects', {
          params: {
            query: {
              type: query.value ? query.type || undefined : undefined,
              value: query.value || undefined,
              externalId: query.externalId || undefined,
              limit: PAGE,
              offset,
            },
          },
        }),
      ),
    [query, offset],
  );

  const search = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    const next = { ...draft, value: draft.value.trim(), externalId: draft.externalId.trim() };
    if (next.value && !next.type) return errors.set('type', t('subjects.typeNeeded'));
    if (next.type && !next.value) return errors.set('value', t('common.required'));
    setOffset(0);
    setQuery(next);
  };

  const reset = () => {
    errors.clear();
    setDraft(EMPTY);
    setQuery(EMPTY);
    setOffset(0);
  };

  const set = (k: keyof Query) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const searching = !!(query.value || query.externalId);

  return (
    <div className="page">
      <PageHead title={t('subjects.title')}>
        {can('subjects:write') ? (
          <Link className="button button-primary" to="/console/subjects/new">
            {t('subjects.newSubject')}
          </Link>
        ) : null}
      </PageHead>
      <p className="lead">{t('subjects.intro')}</p>

      <form className="filters" role="search" aria-label={t('subjects.searchTitle')} onSubmit={search}>
        <div className="form-grid">
          <SelectField
            label={t('subjects.searchType')}
            value={draft.type}
            onChange={set('type')}
            error={errors.field('type')}
            options={[
              { value: '', label: t('subjects.chooseType') },
              ...SEARCHABLE_TYPES.map((ty) => ({ value: ty, label: labels.piiType(ty) })),
            ]}
          />
          <TextField
            label={t('subjects.searchValue')}
            hint={t('subjects.searchValueHint')}
            value={draft.value}
            onChange={set('value')}
            error={errors.field('value')}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
          />
          <TextField
            label={t('subjects.externalId')}
            value={draft.externalId}
            onChange={set('externalId')}
            error={errors.field('externalId')}
            autoComplete="off"
            spellCheck={false}
            maxLength={128}
          />
        </div>
        <ErrorBanner message={errors.banner} />
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            {t('common.search')}
          </button>
          <button type="button" className="button" onClick={reset}>
            {t('subjects.listAll')}
          </button>
        </div>
      </form>

      <ErrorBanner error={list.error} />
      <DataTable<Subject>
        caption={searching ? t('subjects.results') : t('subjects.list')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(s) => s.id}
        empty={searching ? t('subjects.noMatch') : t('common.empty')}
        columns={[
          {
            key: 'subject',
            header: t('subjects.colSubject'),
            render: (s) => (
              <>
                <Link to={`/console/subjects/${s.id}`} aria-label={t('subjects.open', { id: s.id })}>
                  <span className="mono">{s.id.slice(0, 8)}</span>
                </Link>
                {s.externalId ? (
                  <>
                    <br />
                    <span className="muted">{t('subjects.externalIdShort', { id: s.externalId })}</span>
                  </>
                ) : null}
              </>
            ),
          },
          {
            key: 'fields',
            header: t('subjects.colFields'),
            className: 'details',
            render: (s) =>
              s.erasedAt ? (
                <span className="badge badge-bad">{t('subjects.erased')}</span>
              ) : (
                <ul className="plain-list">
                  {s.fields.map((f) => (
                    <li key={f.name}>
                      <span className="field-name">{f.name}</span> <span className="mono">{f.masked}</span>{' '}
                      {f.sensitive ? (
                        <span className="badge badge-warn">{t('subjects.sensitive')}</span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ),
          },
          {
            key: 'created',
            header: t('subjects.colCreated'),
            className: 'nowrap',
            render: (s) => dt(s.createdAt),
          },
          {
            key: 'updated',
            header: t('subjects.colUpdated'),
            className: 'nowrap',
            render: (s) => dt(s.updatedAt),
          },
        ]}
      />
      <PagePagination page={list.data} offset={offset} limit={PAGE} onChange={setOffset} />
    </div>
  );
}
