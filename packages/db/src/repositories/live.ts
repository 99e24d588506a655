/**
 * What the admin app's live channel watches: a cheap fingerprint that changes whenever the
 * data the pages show changes — an event processed, a sync run progressing or finishing, a
 * metrics recomputation. Cheap enough to poll every second or so: every part is read from an
 * index (newest processed event, newest run id, the few queued/running runs, newest metrics
 * stamp — migration 0015), so its cost does not grow with customers, events or past runs.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { str, toDate } from './values.ts';

type Raw = Record<string, unknown>;

export async function dataVersion(db: Database): Promise<string> {
  const [r] = await db.sequelize.query<Raw>(
    `SELECT
       (SELECT MAX(processed_at) FROM stripe_events) AS events,
       (SELECT MAX(id) FROM sync_runs) AS runs,
       (SELECT MAX(metrics_updated_at) FROM customers) AS metrics`,
    { type: QueryTypes.SELECT },
  );
  // A run that progresses moves its heartbeat; one that ends leaves this set (idx_sync_runs_status).
  const active = await db.sequelize.query<Raw>(
    `SELECT id, status, COALESCE(heartbeat_at, started_at) AS at FROM sync_runs
     WHERE status IN ('queued', 'running') ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
  const stamp = (v: unknown) => toDate(v)?.toISOString() ?? '-';
  return [
    stamp(r?.events),
    str(r?.runs) ?? '0',
    active.map((a) => `${str(a.id)}:${str(a.status)}:${stamp(a.at)}`).join(','),
    stamp(r?.metrics),
  ].join('|');
}
