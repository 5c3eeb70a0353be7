import type { Kysely } from 'kysely';

// Frozen: a migration never imports application code.

/** The last TOTP time step accepted per user, so a code cannot be replayed within its validity window. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
}
