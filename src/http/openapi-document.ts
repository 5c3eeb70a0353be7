import { AppContext } from '../context.js';
import { loadConfig } from '../config/config.js';
import { KeyRing } from '../crypto/keyring.js';
import { openStore } from '../db/database.js';
import { buildApp } from './app.js';

/** The OpenAPI document, built from the route schemas on a throw-away in-memory database. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({ env: {}, configFile: '/nonexistent', overrides: { dataDir: '/nonexistent' } });
  const ctx = await AppContext.create(config, {
    store: openStore({ kind: 'sqlite', file: ':memory:' }),
    keys: KeyRing.generate(),
    logger: (await import('../logger.js')).createLogger('silent'),
  });
  try {
    const app = await buildApp(ctx, { webDir: null });
    await app.ready();
    const doc = (await app.inject({ url: '/api/openapi.json' })).json() as Record<string, unknown>;
    await app.close();
    return doc;
  } finally {
    await ctx.close();
  }
}
