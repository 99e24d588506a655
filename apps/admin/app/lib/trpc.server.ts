import { createCaller } from '@medpro/trpc';
import { getDb } from './db.server';

/** The router, called in-process by loaders and actions (no HTTP hop). */
export function serverCaller() {
  return createCaller({ db: getDb() });
}
