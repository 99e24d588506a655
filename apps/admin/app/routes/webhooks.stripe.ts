import { recordWebhookSignatureFailure, storeEvents } from '@medpro/db/stripe-inbox';
import type { ActionFunctionArgs } from '@remix-run/node';
import Stripe from 'stripe';
import { getDb } from '~/lib/db.server';
import { env } from '~/lib/env.server';

function reply(status: number, body: Record<string, unknown>) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}

/**
 * POST /webhooks/stripe: verifies the signature on the raw body, stores the event in the
 * inbox by id (a duplicate delivery is a no-op) and answers at once; the worker processes it.
 * A missing or bad signature is refused with 400, counted for webhook health, and not stored.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return reply(405, { error: 'POST only' });
  const secret = env.STRIPE_WEBHOOK_SECRET;
  if (!secret) return reply(503, { error: 'STRIPE_WEBHOOK_SECRET is not configured' });
  const body = await request.text();
  const signature = request.headers.get('stripe-signature');
  const db = getDb();
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error('missing Stripe-Signature header');
    event = Stripe.webhooks.constructEvent(body, signature, secret);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'invalid signature';
    console.warn(JSON.stringify({ msg: 'stripe webhook refused', reason }));
    await recordWebhookSignatureFailure(db, reason).catch(() => {});
    return reply(400, { error: `Webhook signature verification failed: ${reason}` });
  }
  // Also records the webhook as received (health), in the same transaction.
  const stored = await storeEvents(db, [event], 'webhook');
  return reply(200, { received: true, duplicate: stored.length === 0 });
}

export function loader() {
  return reply(405, { error: 'POST only' });
}
