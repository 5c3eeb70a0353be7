import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // One-time codes that let a person into the portal's "my consents". The contact is kept only as a keyed
  // blind index and the code only as a keyed HMAC: a copy of the table reveals neither.
  await db.schema
    .createTable('portal_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_index', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    /** Keyed digest of the requesting address, for the per-address throttle. */
    .addColumn('ip_hash', 'text', (c) => c.notNull())
    /** JSON array of the vault subjects' ledger references, set when the code is verified. */
    .addColumn('subject_ref', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Verification reads the latest challenge for a contact; the throttle counts a contact's recent ones.
  await db.schema
    .createIndex('portal_challenges_contact_idx')
    .on('portal_challenges')
    .columns(['contact_index', 'created_at'])
    .execute();
  // The per-address throttle counts an address's recent challenges.
  await db.schema
    .createIndex('portal_challenges_ip_idx')
    .on('portal_challenges')
    .columns(['ip_hash', 'created_at'])
    .execute();

  // Portal sessions, apart from staff sessions: a different cookie, a different table, no permissions.
  await db.schema
    .createTable('portal_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    /** JSON array of ledger references (usually one) the verified contact belongs to. */
    .addColumn('subject_ref', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['portal_sessions', 'portal_challenges']) await db.schema.dropTable(t).execute();
}
