/** Query parameters whose names say their value is a secret (`?token=…`, `?password=…`, `?sig=…`). */
const SECRET_PARAM = /token|key|secret|sig|pass|auth/i;

/**
 * Masks the secrets of an address in place: its password (and its user name with `user`), and every query
 * value whose name says it is one. Shared by the printed configuration and by what staff and logs see.
 */
export function maskUrlSecrets(u: URL, mask: string, opts: { user?: boolean } = {}): URL {
  if (opts.user && u.username) u.username = mask;
  if (u.password) u.password = mask;
  for (const [k] of u.searchParams) if (SECRET_PARAM.test(k)) u.searchParams.set(k, mask);
  return u;
}
