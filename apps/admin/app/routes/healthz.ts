import { getDb } from '~/lib/db.server';

/** Liveness + database reachability, for `medpro start` and load balancers. */
export async function loader() {
  try {
    await getDb().sequelize.query('SELECT 1');
    return new Response('ok', { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return new Response('database unreachable', { status: 503 });
  }
}
