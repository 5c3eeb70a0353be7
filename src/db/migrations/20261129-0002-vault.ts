import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subjects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('external_id', 'text', (c) => c.unique())
    /** The subject's data key sealed by the master key; null once erased (crypto-shredding). */
    .addColumn('wrapped_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .execute();

  await db.schema
    .createTable('subject_fields')
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('sensitive', 'integer', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('blind_index', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subject_fields_pk', ['subject_id', 'name'])
    .execute();
  // Exact look-up by phone, e-mail or ID number goes through the keyed blind index.
  await db.schema
    .createIndex('subject_fields_blind_idx')
    .on('subject_fields')
    .columns(['blind_index'])
    .execute();

  await db.schema
    .createTable('subject_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_id', 'text', (c) => c.notNull().references('subjects.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('subject_transfers_subject_idx')
    .on('subject_transfers')
    .columns(['subject_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['subject_transfers', 'subject_fields', 'subjects']) await db.schema.dropTable(t).execute();
}
