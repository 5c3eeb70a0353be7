import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

/**
 * Who publishes the rules and how to reach them (provider name, protection officer's contact, complaint
 * channel), frozen into each version as JSON: an old version keeps showing the contact it was published with
 * (NDSR 21; GB/T 35273 5.5). Null for versions published before this column existed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rules_versions').addColumn('organisation', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rules_versions').dropColumn('organisation').execute();
}
