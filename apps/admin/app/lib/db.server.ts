import { createDatabase, type Database } from '@medpro/db';
import { env } from './env.server';

// One connection pool per server process, kept across dev-server reloads.
const globalForDb = globalThis as unknown as { medproDb?: Database };

export function getDb(): Database {
  globalForDb.medproDb ??= createDatabase(env.DATABASE_URL);
  return globalForDb.medproDb;
}
