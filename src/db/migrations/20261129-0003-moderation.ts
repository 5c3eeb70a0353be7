import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rule_sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rule_set_versions')
    .addColumn('rule_set_id', 'text', (c) => c.notNull().references('rule_sets.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('rule_count', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addPrimaryKeyConstraint('rule_set_versions_pk', ['rule_set_id', 'version'])
    .execute();

  await db.schema
    .createTable('moderation_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('content_id', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('top_category', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('author_account', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('transmission_stopped_at', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reasons', 'text')
    .addColumn('retain_until', 'text', (c) => c.notNull())
    .addColumn('legal_hold', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('purged_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The queue lists open work oldest first, filtered by status and category.
  await db.schema
    .createIndex('moderation_cases_queue_idx')
    .on('moderation_cases')
    .columns(['status', 'received_at'])
    .execute();
  // Retention sweeps find evidence past its date.
  await db.schema
    .createIndex('moderation_cases_retain_idx')
    .on('moderation_cases')
    .columns(['retain_until'])
    .execute();

  await db.schema
    .createTable('moderation_evidence')
    .addColumn('case_id', 'text', (c) => c.primaryKey().references('moderation_cases.id').onDelete('cascade'))
    .addColumn('content_sealed', 'text')
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('author_ip_sealed', 'text')
    .addColumn('context', 'text', (c) => c.notNull())
    .addColumn('rule_versions', 'text', (c) => c.notNull())
    .addColumn('matches', 'text', (c) => c.notNull())
    .addColumn('evidence_hash', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('screen_counters')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('screen_counters_pk', ['day', 'content_type', 'decision'])
    .execute();

  await db.schema
    .createTable('report_packages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('case_ids', 'text', (c) => c.notNull())
    .addColumn('authority', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text', (c) => c.notNull())
    /** The package exactly as first built (base64 zip), so every download is byte-identical. */
    .addColumn('archive', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('submitted_to', 'text')
    .addColumn('receipt', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'report_packages',
    'screen_counters',
    'moderation_evidence',
    'moderation_cases',
    'rule_set_versions',
    'rule_sets',
  ])
    await db.schema.dropTable(t).execute();
}
