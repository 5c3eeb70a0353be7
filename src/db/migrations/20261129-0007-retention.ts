import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

/**
 * Retention sweeps (PIPL 19, 47): a dry-run report that staff review, then apply exactly as reported.
 * Fields anonymised by a sweep are marked, so later sweeps leave them alone (PIPL 4: anonymised information
 * is no longer personal information).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retention_sweeps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** report (reviewable), applied, or noop (nothing published, nothing to judge against). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rules_version', 'integer')
    /** The moment the report judged expiry against. */
    .addColumn('as_of', 'text', (c) => c.notNull())
    /** Counts per action, purpose and category, as JSON. */
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('applied_by_type', 'text')
    .addColumn('applied_by_id', 'text')
    .addColumn('apply_summary', 'text')
    .execute();
  // Reports are listed newest first.
  await db.schema
    .createIndex('retention_sweeps_created_idx')
    .on('retention_sweeps')
    .column('created_at')
    .execute();

  await db.schema
    .createTable('retention_sweep_items')
    .addColumn('sweep_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('field_name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    /** delete, anonymise, or unregistered (a register gap: reported, never touched). */
    .addColumn('action', 'text', (c) => c.notNull())
    /** The purposes that list the category (JSON array), for the reviewer. */
    .addColumn('purposes', 'text', (c) => c.notNull())
    /** pending, applied, skipped (no longer expired or gone at apply time), or reported. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('retention_sweep_items_pk', ['sweep_id', 'seq'])
    .execute();

  await db.schema.alterTable('subject_fields').addColumn('anonymised_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('subject_fields').dropColumn('anonymised_at').execute();
  for (const t of ['retention_sweep_items', 'retention_sweeps']) await db.schema.dropTable(t).execute();
}
