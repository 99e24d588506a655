/** Webhook delivery signed exactly like Stripe (`Stripe-Signature: t=…,v1=…`), with retries and faults. */
import { createHmac } from 'node:crypto';
import { Rng } from './prng.ts';
import type { Stats } from './server.ts';

/** Stripe-Signature header value: HMAC-SHA256 of `${t}.${payload}` with the endpoint secret. */
export function signWebhookPayload(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Share (0..1) of events delivered twice. */
  duplicateRate?: number;
  /** Deliver each batch of events in shuffled order. */
  reorder?: boolean;
  /** Attempts per event (default 6). */
  maxAttempts?: number;
  /** First retry delay (ms, doubled each attempt; Stripe's hours scaled to seconds). Default 1000. */
  retryBaseMs?: number;
  seed?: number;
}

export class WebhookDispatcher {
  private readonly rng: Rng;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly opts: WebhookOptions,
    private readonly stats: Stats,
  ) {
    this.rng = new Rng(opts.seed ?? 7, 0x3eb);
  }

  /** Queues a batch of event payloads (JSON strings) for delivery. */
  send(payloads: string[]): void {
    const batch: string[] = [];
    for (const p of payloads) {
      batch.push(p);
      if ((this.opts.duplicateRate ?? 0) > 0 && this.rng.chance(this.opts.duplicateRate ?? 0)) batch.push(p);
    }
    if (this.opts.reorder) {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [batch[i], batch[j]] = [batch[j] as string, batch[i] as string];
      }
    }
    for (const p of batch) this.attempt(p, 1);
  }

  private attempt(payload: string, n: number): void {
    if (this.stopped) return;
    this.stats.webhookAttempts++;
    const task = this.post(payload).then((ok) => {
      if (ok) {
        this.stats.webhookDelivered++;
        return;
      }
      if (n >= (this.opts.maxAttempts ?? 6) || this.stopped) {
        this.stats.webhookFailed++;
        return;
      }
      const delay = (this.opts.retryBaseMs ?? 1000) * 2 ** (n - 1);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.attempt(payload, n + 1);
      }, delay);
      this.timers.add(t);
    });
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  private async post(payload: string): Promise<boolean> {
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signWebhookPayload(payload, this.opts.secret),
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight]);
  }
}
