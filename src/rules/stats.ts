import { sql } from 'kysely';
import type { Db, DialectInfo } from '../db/database.js';
import { badRequest } from '../http/errors.js';

export type Bucket = 'day' | 'week';

export interface RateBucket {
  /** First day of the bucket (local to the requested UTC offset), YYYY-MM-DD. */
  start: string;
  /** Consents given and withdrawn within the bucket. */
  given: number;
  withdrawn: number;
  /** People whose latest entry at the end of the bucket is a consent given. */
  consenting: number;
  /** People with any entry by the end of the bucket. */
  subjects: number;
  /** consenting / subjects; null while nobody has an entry. */
  rate: number | null;
}

export interface PurposeRates {
  purpose: string;
  buckets: RateBucket[];
}

export const MAX_BUCKETS = 400;
/** Days end at midnight China Standard Time unless the caller names another offset. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;
const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Midnight UTC of a calendar date: the local midnight is this minus the offset. */
const parseDate = (s: string, field: string): number => {
  const t = DATE.test(s) ? Date.parse(`${s}T00:00:00.000Z`) : NaN;
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s)
    throw badRequest('invalid_date', `${field} must be a date YYYY-MM-DD`, field);
  return t;
};
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Consent rates per purpose over time, from the ledger in one pass: each entry is compared with the same
 * person's previous entry for the purpose (a window function, on both dialects), so an entry moves the number
 * of consenting people by +1, -1 or 0, and first entries count new people. The database sums those moves per
 * day; days fold into buckets here. Days run midnight to midnight at `utcOffset` minutes from UTC (China
 * Standard Time by default).
 * @example await consentRates(db, { from: '2026-11-01', to: '2026-11-30', bucket: 'day' })
 */
export async function consentRates(
  db: Db,
  dialect: DialectInfo,
  q: { purpose?: string; from?: string; to?: string; bucket?: Bucket; utcOffset?: number },
): Promise<{ from: string; to: string; bucket: Bucket; utcOffset: number; purposes: PurposeRates[] }> {
  const bucket = q.bucket ?? 'day';
  const width = bucket === 'week' ? 7 : 1;
  const offset = q.utcOffset ?? DEFAULT_UTC_OFFSET_MINUTES;
  const shift = offset * 60_000;
  const toT = q.to ? parseDate(q.to, 'to') : Date.parse(`${day(Date.now() + shift)}T00:00:00.000Z`);
  const fromT = q.from ? parseDate(q.from, 'from') : toT - (bucket === 'week' ? 12 * 7 - 1 : 29) * DAY;
  if (fromT > toT) throw badRequest('invalid_range', 'from must not be after to', 'from');
  const days = (toT - fromT) / DAY + 1;
  const count = Math.ceil(days / width);
  if (count > MAX_BUCKETS)
    throw badRequest(
      'range_too_long',
      `the range holds ${count} ${bucket} buckets; at most ${MAX_BUCKETS}`,
      'to',
    );
  // Local midnights as UTC instants, the form the ledger's times are stored in.
  const fromIso = new Date(fromT - shift).toISOString();
  const endIso = new Date(toT + DAY - shift).toISOString();
  const localDay =
    dialect.name === 'sqlite'
      ? sql`strftime('%Y-%m-%d', created_at, ${`${offset} minutes`})`
      : sql`to_char((created_at::timestamptz at time zone 'UTC') + make_interval(mins => ${offset}), 'YYYY-MM-DD')`;
  const purposeFilter = q.purpose ? sql`and purpose_key = ${q.purpose}` : sql``;
  const { rows } = await sql<{
    purpose: string;
    day: string;
    gives: number | string;
    withdrawals: number | string;
    d_consenting: number | string;
    d_subjects: number | string;
  }>`
    with e as (
      select purpose_key, created_at, given,
        lag(given) over (partition by subject, purpose_key order by created_at) as prev
      from consents
      where created_at < ${endIso} ${purposeFilter}
    )
    select purpose_key as purpose,
      case when created_at < ${fromIso} then '' else ${localDay} end as day,
      sum(case when given = 1 and created_at >= ${fromIso} then 1 else 0 end) as gives,
      sum(case when given = 0 and created_at >= ${fromIso} then 1 else 0 end) as withdrawals,
      sum(case when given = 1 and (prev is null or prev = 0) then 1
               when given = 0 and prev = 1 then -1 else 0 end) as d_consenting,
      sum(case when prev is null then 1 else 0 end) as d_subjects
    from e
    group by 1, 2
  `.execute(db);

  const byPurpose = new Map<string, Map<string, { g: number; w: number; dc: number; ds: number }>>();
  if (q.purpose) byPurpose.set(q.purpose, new Map());
  for (const r of rows) {
    let m = byPurpose.get(r.purpose);
    if (!m) byPurpose.set(r.purpose, (m = new Map()));
    m.set(r.day, {
      g: Number(r.gives),
      w: Number(r.withdrawals),
      dc: Number(r.d_consenting),
      ds: Number(r.d_subjects),
    });
  }
  const purposes: PurposeRates[] = [];
  for (const [purpose, m] of [...byPurpose].sort(([a], [b]) => a.localeCompare(b))) {
    const before = m.get('');
    let consenting = before?.dc ?? 0;
    let subjects = before?.ds ?? 0;
    const buckets: RateBucket[] = [];
    for (let b = 0; b < count; b++) {
      let given = 0;
      let withdrawn = 0;
      for (let d = b * width; d < Math.min((b + 1) * width, days); d++) {
        const x = m.get(day(fromT + d * DAY));
        if (!x) continue;
        given += x.g;
        withdrawn += x.w;
        consenting += x.dc;
        subjects += x.ds;
      }
      buckets.push({
        start: day(fromT + b * width * DAY),
        given,
        withdrawn,
        consenting,
        subjects,
        rate: subjects ? consenting / subjects : null,
      });
    }
    purposes.push({ purpose, buckets });
  }
  return { from: day(fromT), to: day(toT), bucket, utcOffset: offset, purposes };
}
