import type { Db } from '../db/database.js';
import { escapeLike, likeEscaped } from '../db/like.js';
import type { AuditEntryTable } from '../db/schema.js';
import { csvCell } from '../csv.js';

export interface AuditFilter {
  actor?: string;
  actorType?: string;
  /** Exact action or a prefix ending in `.` / `*` (e.g. `auth.` or `user.*`). */
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

export interface AuditEntryView {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export const toEntryView = (r: AuditEntryTable): AuditEntryView => ({
  seq: Number(r.seq),
  at: r.at,
  actorType: r.actor_type,
  actorId: r.actor_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  purpose: r.purpose,
  requestId: r.request_id,
  details: JSON.parse(r.details) as Record<string, unknown>,
  hash: r.hash,
});

function filtered(db: Db, f: AuditFilter) {
  let q = db.selectFrom('audit_entries').selectAll();
  if (f.actor) q = q.where('actor_id', '=', f.actor);
  if (f.actorType) q = q.where('actor_type', '=', f.actorType);
  if (f.action) {
    const prefix = f.action.replace(/\*$/, '');
    q = prefix.endsWith('.')
      ? q.where((eb) => likeEscaped(eb.ref('action'), escapeLike(prefix) + '%'))
      : q.where('action', '=', f.action);
  }
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  return q;
}

/** Newest first, keyset-paged by sequence number (`before`), so paging stays fast on a long log. */
export async function listAudit(db: Db, f: AuditFilter & { before?: number; limit: number }) {
  let q = filtered(db, f);
  if (f.before) q = q.where('seq', '<', f.before);
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(f.limit + 1)
    .execute();
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit).map(toEntryView);
  return { items, nextBefore: more ? items[items.length - 1].seq : null };
}

/** Streams matching entries oldest first in batches, for CSV and JSONL export. */
export async function* exportAudit(db: Db, f: AuditFilter): AsyncGenerator<AuditEntryView> {
  let after = 0;
  for (;;) {
    const rows = await filtered(db, f).where('seq', '>', after).orderBy('seq').limit(2000).execute();
    if (!rows.length) return;
    for (const r of rows) yield toEntryView(r);
    after = Number(rows[rows.length - 1].seq);
  }
}

export const CSV_COLUMNS = [
  'seq',
  'at',
  'actorType',
  'actorId',
  'action',
  'targetType',
  'targetId',
  'purpose',
  'requestId',
  'details',
  'hash',
] as const;

export const csvRow = (e: AuditEntryView): string => CSV_COLUMNS.map((c) => csvCell(e[c])).join(',') + '\r\n';
