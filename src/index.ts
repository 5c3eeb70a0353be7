// The in-process library: the same context and services the server and CLI use.
export { AppContext } from './context.js';
export { loadConfig, type Config } from './config/config.js';
export { buildApp } from './http/app.js';
export { startServer } from './http/server.js';
export { openStore, migrateToLatest } from './db/database.js';
export { verifyAudit } from './audit/verify.js';
export { verifyWebhook, signWebhook } from './webhooks/signature.js';
