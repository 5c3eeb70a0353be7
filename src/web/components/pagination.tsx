import { useTranslation } from 'react-i18next';

/** Offset paging: “1–20 of 57” with previous and next. Without `total`, next is offered while pages are full. */
export function Pagination({
  offset,
  limit,
  total,
  count,
  onChange,
}: {
  offset: number;
  limit: number;
  total?: number;
  count: number;
  onChange: (offset: number) => void;
}) {
  const { t } = useTranslation();
  const hasNext = total !== undefined ? offset + limit < total : count === limit;
  if (offset === 0 && !hasNext) {
    return total ? (
      <p className="pagination-info">{t('common.pageInfo', { from: 1, to: count, total })}</p>
    ) : null;
  }
  return (
    <nav className="pagination" aria-label={t('common.pagination')}>
      <button
        type="button"
        className="button"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        {t('common.previous')}
      </button>
      <span className="pagination-info" aria-live="polite">
        {total !== undefined
          ? t('common.pageInfo', { from: count ? offset + 1 : 0, to: offset + count, total })
          : t('common.pageNumber', { page: Math.floor(offset / limit) + 1 })}
      </span>
      <button type="button" className="button" disabled={!hasNext} onClick={() => onChange(offset + limit)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

/** Paging under a list loaded a page at a time (`useLoad`); nothing until the first page has arrived. */
export function PagePagination({
  page,
  offset,
  limit,
  onChange,
}: {
  page: { items: readonly unknown[]; total?: number } | undefined;
  offset: number;
  limit: number;
  onChange: (offset: number) => void;
}) {
  if (!page) return null;
  return (
    <Pagination
      offset={offset}
      limit={limit}
      total={page.total}
      count={page.items.length}
      onChange={onChange}
    />
  );
}
