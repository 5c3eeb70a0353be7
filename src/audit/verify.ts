import type { Db, Store } from '../db/database.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { AuditEntryTable } from '../db/schema.js';
import { checkpointMessage, entryHash, GENESIS_HASH, sha256Hex } from './canonical.js';

export type TamperKind =
  'edited' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'bad-checkpoint' | 'checkpoint-mismatch';

export interface VerifyProblem {
  /** The first entry that is not as it was written (for `deleted`, the first missing sequence number). */
  seq: number;
  kind: TamperKind;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  checkpoints: number;
  firstSeq: number | null;
  lastSeq: number | null;
  elapsedMs: number;
  perSecond: number;
  problem: VerifyProblem | null;
}

const BATCH = 10_000;

/**
 * Re-computes the chain and the signed checkpoints; stops at the first entry that was edited, deleted,
 * inserted or reordered and names it.
 * @example const r = await verifyAudit(db, keys); if (!r.ok) console.error(r.problem.message);
 */
export async function verifyAudit(
  from: Db | Store,
  keys: KeyRing,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyResult> {
  const started = performance.now();
  const db: Db = 'dialect' in from ? from.db : from;
  const sqlite = 'dialect' in from ? from.sqlite : undefined;
  // On SQLite the chain check is bound by row reads, so the hash input is assembled in SQL (json_array gives
  // the same text as JSON.stringify for these columns) and only five columns come back; any row that does not
  // check out this way is re-read whole and judged by the exact code below, so a formatting difference can
  // never hide or invent a problem.
  const quick = sqlite?.prepare(
    `select seq, details, details_digest, prev_hash, hash,
       json_array(seq, at, actor_type, actor_id, action, target_type, target_id, purpose, request_id, details_digest, prev_hash) as j
     from audit_entries where seq > ? order by seq limit ?`,
  );
  type Row = AuditEntryTable & { j?: string };
  const batch = (after: number): Promise<Row[]> =>
    quick
      ? Promise.resolve(quick.all(after, BATCH) as Row[])
      : db
          .selectFrom('audit_entries')
          .selectAll()
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(BATCH)
          .execute();
  const full = (seq: number) =>
    db.selectFrom('audit_entries').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  const total = Number(
    (
      await db
        .selectFrom('audit_entries')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const cps = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const cpBySeq = new Map<number, string>();
  let checked = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;

  const done = (problem: VerifyProblem | null): VerifyResult => {
    const elapsedMs = performance.now() - started;
    return {
      ok: problem === null,
      checked,
      checkpoints: cps.length,
      firstSeq,
      lastSeq,
      elapsedMs,
      perSecond: elapsedMs > 0 ? Math.round((checked / elapsedMs) * 1000) : checked,
      problem,
    };
  };

  for (const cp of cps) {
    if (!keys.verify(checkpointMessage(Number(cp.seq), cp.hash, cp.at, cp.kind), cp.key_id, cp.signature))
      return done({
        seq: Number(cp.seq),
        kind: 'bad-checkpoint',
        message: `checkpoint at entry ${cp.seq} has an invalid signature`,
      });
    cpBySeq.set(Number(cp.seq), cp.hash);
  }

  let prevHash: string | null = null;
  let expected: number | null = null;
  let after = 0;
  for (;;) {
    const rows = await batch(after);
    if (rows.length === 0) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (expected === null) {
        firstSeq = seq;
        // A log that starts later than 1 must start at a signed retention anchor (older entries purged).
        if (seq === 1) prevHash = GENESIS_HASH;
        else {
          const anchor = cpBySeq.get(seq - 1);
          if (anchor === undefined)
            return done({
              seq: seq - 1,
              kind: 'deleted',
              message: `entries before ${seq} are missing and no signed retention checkpoint covers them`,
            });
          prevHash = anchor;
        }
        expected = seq;
      }
      if (seq !== expected) {
        return done({
          seq: expected,
          kind: 'deleted',
          message: `entry ${expected} is missing (deleted)${seq - expected > 1 ? `, up to ${seq - 1}` : ''}`,
        });
      }
      const fast = r.j !== undefined;
      const problem =
        fast &&
        r.prev_hash === prevHash &&
        sha256Hex(r.details) === r.details_digest &&
        sha256Hex(r.j!) === r.hash
          ? null
          : checkEntry(fast ? await full(seq) : r, seq, prevHash!);
      if (problem) {
        if (problem.kind === 'deleted' && problem.seq === seq) {
          // Content of seq+1 sits at seq: a swap if the next row holds the original entry seq.
          const next = await db
            .selectFrom('audit_entries')
            .selectAll()
            .where('seq', '=', seq + 1)
            .executeTakeFirst();
          if (next && entryHash({ ...next, seq }) === next.hash)
            return done({ seq, kind: 'reordered', message: `entries ${seq} and ${seq + 1} were reordered` });
        }
        return done(problem);
      }
      const cpHash = cpBySeq.get(seq);
      if (cpHash !== undefined && cpHash !== r.hash)
        return done({
          seq,
          kind: 'checkpoint-mismatch',
          message: `entry ${seq} differs from its signed checkpoint (the chain was rewritten)`,
        });
      prevHash = r.hash;
      expected = seq + 1;
      lastSeq = seq;
      checked++;
    }
    after = Number(rows[rows.length - 1].seq);
    onProgress?.(checked, total);
  }

  const headSeq = Number(head.last_seq);
  if ((lastSeq ?? 0) < headSeq) {
    return done({
      seq: (lastSeq ?? 0) + 1,
      kind: 'truncated',
      message: `entries ${(lastSeq ?? 0) + 1} to ${headSeq} are missing (deleted from the end)`,
    });
  }
  if (lastSeq !== null && head.last_hash !== prevHash && headSeq === lastSeq) {
    return done({ seq: lastSeq, kind: 'edited', message: `entry ${lastSeq} differs from the recorded head` });
  }
  const lastCp = cps.length ? Number(cps[cps.length - 1].seq) : 0;
  if (lastCp > (lastSeq ?? 0))
    return done({
      seq: (lastSeq ?? 0) + 1,
      kind: 'truncated',
      message: `a signed checkpoint names entry ${lastCp}, but the log ends at ${lastSeq ?? 0}`,
    });
  return done(null);
}

function checkEntry(r: AuditEntryTable, seq: number, prevHash: string): VerifyProblem | null {
  const digestOk = sha256Hex(r.details) === r.details_digest;
  const recomputed = entryHash(r); // r.seq === seq here; no copy on the hot path
  if (digestOk && recomputed === r.hash && r.prev_hash === prevHash) return null;
  if (digestOk && recomputed !== r.hash) {
    // A row renumbered by one was shifted by an insertion before it or a deletion (with renumbering).
    if (entryHash({ ...r, seq: seq - 1 }) === r.hash)
      return { seq: seq - 1, kind: 'inserted', message: `entry ${seq - 1} was inserted into the log` };
    if (entryHash({ ...r, seq: seq + 1 }) === r.hash)
      return {
        seq,
        kind: 'deleted',
        message: `entry ${seq} is missing (deleted and later entries renumbered)`,
      };
  }
  if (recomputed === r.hash && digestOk && r.prev_hash !== prevHash) {
    return {
      seq,
      kind: 'reordered',
      message: `entry ${seq} does not follow entry ${seq - 1} (entries were reordered or inserted)`,
    };
  }
  return { seq, kind: 'edited', message: `entry ${seq} was edited after it was written` };
}
