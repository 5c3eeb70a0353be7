import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

// The purpose check reads a subject's latest entry for a purpose on every call, ordered by time and then id.
// With `id` in the index that is one index probe read backwards, without sorting the subject's entries
// (SQLite otherwise builds a temporary B-tree for the `id` term of the ORDER BY).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('consents_latest_idx')
    .on('consents')
    .columns(['subject', 'purpose_key', 'created_at', 'id'])
    .execute();
  // Its prefix serves every query the older index served.
  await db.schema.dropIndex('consents_subject_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('consents_subject_idx')
    .on('consents')
    .columns(['subject', 'purpose_key', 'created_at'])
    .execute();
  await db.schema.dropIndex('consents_latest_idx').execute();
}
