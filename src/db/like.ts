import { sql, type Expression, type SqlBool } from 'kysely';

/** Escapes LIKE wildcards so user input matches literally. */
export const escapeLike = (s: string): string => s.replace(/[%_\\]/g, (m) => '\\' + m);

/**
 * `column LIKE pattern ESCAPE '\'`: PostgreSQL escapes with a backslash by default, SQLite has no default
 * escape character, so it is always spelled out.
 */
export function likeEscaped(column: Expression<unknown>, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`${column} like ${pattern} escape '\\'`;
}
