/**
 * What the admin app's live channel watches: a cheap fingerprint that changes whenever the
 * data the pages show changes — an event processed, a sync run progressing or finishing, a
 * metrics recomputation. Cheap enough to poll every second or so.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { str, toDate } from './values.ts';

type Raw = Record<string, unknown>;

export async function dataVersion(db: Database): Promise<string> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT
       (SELECT MAX(processed_at) FROM stripe_events) AS events,
       (SELECT MAX(COALESCE(finished_at, heartbeat_at, started_at)) FROM sync_runs) AS sync,
       (SELECT COUNT(*) FROM sync_runs) AS runs,
       (SELECT MAX(metrics_updated_at) FROM customers) AS metrics`,
    { type: QueryTypes.SELECT },
  );
  const stamp = (v: unknown) => toDate(v)?.toISOString() ?? '-';
  return [stamp(r?.events), stamp(r?.sync), str(r?.runs) ?? '0', stamp(r?.metrics)].join('|');
}
