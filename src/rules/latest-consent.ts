import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Store } from '../db/database.js';
import type { ConsentTable } from '../db/schema.js';

/** What the purpose check needs of a subject's latest ledger entry for a purpose. */
export type LatestConsent = Pick<ConsentTable, 'given' | 'rules_version' | 'separate' | 'created_at'>;

/** Reads the latest ledger entry for a subject and purpose (the latest entry counts: PIPL 15). */
export type LatestConsentReader = (subject: string, purpose: string) => Promise<LatestConsent | undefined>;

const COLUMNS = 'given, rules_version, separate, created_at';
/** Longest wait for the ledger read on PostgreSQL (a check normally takes milliseconds). */
export const READ_TIMEOUT_MS = 10_000;
// Ties in time cannot happen through recordConsent; `id` keeps the answer stable if an import made one.
const ORDER = 'created_at desc, id desc';

/** The SQLite form of the read (exported for the plan test). */
export const SQLITE_LATEST = `select ${COLUMNS} from consents where subject = cast(? as text) and purpose_key = cast(? as text) order by ${ORDER} limit 1`;

/**
 * The purpose check's one read, built once per store because it runs on every check. The reads of one turn
 * of the event loop are answered together: on SQLite by a prepared statement on the embedded handle inside
 * one read transaction; on PostgreSQL by one statement (a burst of 50 checks costs one round trip, not 50),
 * with one such statement in flight at a time: reads that arrive meanwhile wait for it and go together in
 * the next. Either way the burst sees one committed state, so a withdrawal committed before it counts.
 * Both read only the covering index consents_check_idx, never the table.
 */
export function latestConsentReader(
  store: Pick<Store, 'db' | 'sqlite' | 'pg'> & { dialect?: Store['dialect'] },
  { timeoutMs = READ_TIMEOUT_MS } = {},
): LatestConsentReader {
  const { db, sqlite } = store;
  const viaKysely = (subject: string, purpose: string) =>
    db
      .selectFrom('consents')
      .select(['given', 'rules_version', 'separate', 'created_at'])
      .where('subject', '=', subject)
      .where('purpose_key', '=', purpose)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  const eachViaKysely = (keys: Array<[string, string]>) => Promise.all(keys.map(([s, p]) => viaKysely(s, p)));
  if (sqlite) {
    // The values are bound through `cast`: a bare `?` compared with an indexed column lets SQLite (built with
    // STAT4, as better-sqlite3 is) re-plan the statement for every new value once ANALYZE or PRAGMA optimize
    // has run, which costs twice the read itself. The plan is the same for every value: the covering index.
    const stmt = sqlite.prepare<[string, string], LatestConsent>(SQLITE_LATEST);
    // One read transaction for the burst: its locks are taken once, and SQLite's code and the index's upper
    // pages stay in the CPU caches from one read to the next (about half the cost of lone reads).
    const readAll = sqlite.transaction((keys: Array<[string, string]>) =>
      keys.map(([s, p]) => stmt.get(s, p)),
    );
    return batched(async (keys) =>
      // Inside another unit of work's open transaction the handle would see its uncommitted rows; the
      // query builder waits for that transaction to end instead.
      sqlite.inTransaction ? eachViaKysely(keys) : readAll(keys),
    );
  }
  // A store whose dialect is not known (a service built without `useStore`): the query builder, one read
  // per pair, which every dialect understands.
  if (!store.pg && store.dialect?.name !== 'postgres') return batched(eachViaKysely);
  // One index probe per pair (LATERAL … LIMIT 1), answered in one round trip, one row per pair in the order
  // asked (nulls where the ledger has no entry), so answers are matched by position, not looked up.
  const text = `select c.given, c.rules_version, c.separate, c.created_at
    from unnest($1::text[], $2::text[]) with ordinality as q(subject, purpose_key, n)
    left join lateral (
      select ${COLUMNS} from consents where subject = q.subject and purpose_key = q.purpose_key
      order by ${ORDER} limit 1
    ) c on true
    order by q.n`;
  type Row = [LatestConsent['given'] | null, number, string, string];
  const { pg } = store;
  // One statement at a time: each costs the server a fixed share (executor start, a wake-up of its backend,
  // the socket writes both ways) whatever its size, and on a busy machine many small ones in flight on
  // several connections cost more than a few larger ones in turn. Measured under load over HTTP: a higher
  // throughput and a lower p99 (docs/benchmarks.md).
  const read = async (keys: Array<[string, string]>): Promise<Array<LatestConsent | undefined>> => {
    const values = [keys.map((k) => k[0]), keys.map((k) => k[1])];
    if (!pg) {
      const { rows } = await db.executeQuery<LatestConsent>(CompiledQuery.raw(text, values));
      return rows.map((r) => (r.given === null ? undefined : r));
    }
    // A named statement is parsed and planned once per connection; the array parameters keep its text
    // the same whatever the batch size. Rows as arrays: no object per row from the driver.
    const { rows } = await pg.query<Row>({
      name: 'custodian-latest-consent',
      text,
      values,
      rowMode: 'array',
      // With one statement in flight, a connection that stopped answering would hold up every check; past
      // this the statement fails (those checks answer 500), the pool drops the connection and the next goes.
      // (pg's client reads `query_timeout` per query; its type declarations leave it out.)
      query_timeout: timeoutMs,
    } as pg.QueryArrayConfig);
    return rows.map((r) =>
      r[0] === null ? undefined : { given: r[0], rules_version: r[1], separate: r[2], created_at: r[3] },
    );
  };
  return batched((keys) => {
    // PostgreSQL refuses text with a NUL, which its ledger therefore never holds: such a pair has no entry,
    // and is left out of the statement so that it cannot fail the burst it came with.
    if (!keys.some((k) => k[0].includes('\0') || k[1].includes('\0'))) return read(keys);
    const ok = keys.filter((k) => !k[0].includes('\0') && !k[1].includes('\0'));
    return (ok.length ? read(ok) : Promise.resolve([])).then((rows) => {
      let i = 0;
      return keys.map((k) => (k[0].includes('\0') || k[1].includes('\0') ? undefined : rows[i++]));
    });
  }, 1);
}

/**
 * Collects the reads of one turn of the event loop and answers them from one query; with `maxInFlight`, at
 * most that many queries run at once and the reads that arrive meanwhile wait to go in the next, sent at the
 * end of the turn in which a query returns (exported for its test).
 */
export function batched(
  run: (keys: Array<[string, string]>) => Promise<Array<LatestConsent | undefined>>,
  maxInFlight = Infinity,
): LatestConsentReader {
  let pending: Array<{
    key: [string, string];
    resolve: (r: LatestConsent | undefined) => void;
    reject: (e: unknown) => void;
  }> = [];
  let inFlight = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!pending.length || inFlight >= maxInFlight) return;
    inFlight++;
    const batch = pending;
    pending = [];
    // A pair asked twice in one burst is read twice: rarer than the cost of looking for it every time.
    const keys = batch.map((p) => p.key);
    // The next query leaves once the I/O of this turn has been read, not at once: the answer arrives among
    // the turn's other sockets, and the checks their requests start then join it instead of waiting a whole
    // round trip for the one after (fewer, larger queries; measured in docs/benchmarks.md).
    const done = () => {
      inFlight--;
      if (pending.length && !scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    };
    run(keys).then(
      (rows) => {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(rows[i]);
        done();
      },
      (err) => {
        for (const p of batch) p.reject(err);
        done();
      },
    );
  };
  return (subject, purpose) =>
    new Promise((resolve, reject) => {
      pending.push({ key: [subject, purpose], resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
