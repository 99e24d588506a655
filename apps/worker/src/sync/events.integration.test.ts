import { createTestDatabase, testDialects } from '@medpro/db/testing';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { StripeGateway } from './client.ts';
import {
  cursorExpired,
  EVENT_RETENTION_SECONDS,
  pollEvents,
  readEventsCursor,
  writeEventsCursor,
} from './events.ts';

const ev = (id: string, created: number) =>
  ({
    id,
    object: 'event',
    type: 'customer.updated',
    created,
    api_version: null,
    livemode: false,
    data: { object: { id: 'cus_1', object: 'customer' } },
  }) as unknown as Stripe.Event;

/** A gateway whose `events.list` serves `all` (newest first) like Stripe: created ≥ gte, 2 a page. */
function fakeGateway(all: () => Stripe.Event[]) {
  const gateway = new StripeGateway(new Stripe('sk_test_fake'), { rate: 1000 });
  const calls: { gte: number; startingAfter?: string }[] = [];
  const events = {
    list: async (params: { created: { gte: number }; starting_after?: string }) => {
      calls.push({
        gte: params.created.gte,
        ...(params.starting_after ? { startingAfter: params.starting_after } : {}),
      });
      const sorted = all()
        .filter((e) => e.created >= params.created.gte)
        .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
      const from = params.starting_after ? sorted.findIndex((e) => e.id === params.starting_after) + 1 : 0;
      const data = sorted.slice(from, from + 2);
      return { object: 'list', data, has_more: from + 2 < sorted.length, url: '/v1/events' };
    },
  };
  (gateway as unknown as { stripe: unknown }).stripe = { events };
  return { gateway, calls };
}

describe.each(await testDialects())('event polling on %s', (dialect) => {
  it('re-reads the boundary second, keeps events sharing a created second, and orders the inbox by created', {
    timeout: 60_000,
  }, async () => {
    const t = await createTestDatabase(dialect);
    try {
      let upstream = [ev('evt_b', 100), ev('evt_a', 100), ev('evt_z', 99)];
      const { gateway, calls } = fakeGateway(() => upstream);
      await writeEventsCursor(t.db, 99);
      const first = await pollEvents(t.db, gateway, 99);
      expect(first).toMatchObject({ seen: 3, stored: 3, cursor: 100 });
      expect(await readEventsCursor(t.db)).toBe(100);
      // Late arrivals in the same second as the cursor, and a newer one.
      upstream = [...upstream, ev('evt_c', 100), ev('evt_d', 101)];
      const second = await pollEvents(t.db, gateway, 100);
      expect(calls[calls.length - 1]!.gte).toBe(100);
      expect(second).toMatchObject({ seen: 4, stored: 2, cursor: 101 });
      const [rows] = (await t.db.sequelize.query(
        'SELECT stripe_event_id AS id FROM stripe_events WHERE processed_at IS NULL ORDER BY stripe_created, stripe_event_id',
      )) as [{ id: string }[], unknown];
      // The drain's order: created, then event id (arrival order does not matter).
      expect(rows.map((r) => r.id)).toEqual(['evt_z', 'evt_a', 'evt_b', 'evt_c', 'evt_d']);
    } finally {
      await t.destroy();
    }
  });
});

describe('cursorExpired', () => {
  it('is true past the 30-day retention (with an hour of margin)', () => {
    const now = 2_000_000_000;
    expect(cursorExpired(now - EVENT_RETENTION_SECONDS + 7200, now)).toBe(false);
    expect(cursorExpired(now - EVENT_RETENTION_SECONDS + 1800, now)).toBe(true);
  });
});
