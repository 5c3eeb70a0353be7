import type { HTMLAttributes, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  className?: string;
}

/**
 * A table with a caption; on a narrow screen it scrolls sideways inside a focusable region, so keyboard
 * users can scroll it too.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  loading,
  empty,
  rowProps,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  loading?: boolean;
  empty?: ReactNode;
  /** Extra attributes of a row, e.g. the selection of a keyboard-driven list. */
  rowProps?: (row: T, index: number) => HTMLAttributes<HTMLTableRowElement>;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table aria-busy={loading || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows && rows.length > 0 ? (
            rows.map((r, i) => (
              <tr key={rowKey(r)} {...rowProps?.(r, i)}>
                {columns.map((c) => (
                  <td key={c.key} className={c.className}>
                    {c.render(r)}
                  </td>
                ))}
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={columns.length} className="table-empty">
                {loading ? t('common.loading') : (empty ?? t('common.empty'))}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
