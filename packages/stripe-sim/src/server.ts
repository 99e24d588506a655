/** HTTP server speaking the Stripe REST subset, with auth, faults and request statistics. */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultOptions, Faults } from './faults.ts';
import { ApiError } from './http/errors.ts';
import { parseForm } from './http/form.ts';
import { Api } from './http/routes.ts';
import { API_VERSION } from './render.ts';
import type { Store } from './store.ts';

export interface Stats {
  /** Requests answered (any status), excluding /_sim paths. */
  requests: number;
  /** Requests by HTTP status. */
  byStatus: Record<string, number>;
  /** Connections dropped by the drop-rate fault. */
  dropped: number;
  /** Webhook deliveries (attempts) and successes. */
  webhookAttempts: number;
  webhookDelivered: number;
  webhookFailed: number;
}

export function newStats(): Stats {
  return { requests: 0, byStatus: {}, dropped: 0, webhookAttempts: 0, webhookDelivered: 0, webhookFailed: 0 };
}

export interface HttpOptions extends FaultOptions {
  port: number;
  host: string;
  secretKey: string;
  /** Extra JSON endpoints under /_sim/ (no auth). */
  simRoutes: Record<string, () => unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function redact(key: string): string {
  return key.length <= 8
    ? '****'
    : `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

export function authError(header: string | undefined, secretKey: string): ApiError | null {
  if (!header) {
    return new ApiError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  let key = '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (bearer) key = bearer[1] ?? '';
  else if (basic)
    key =
      Buffer.from(basic[1] ?? '', 'base64')
        .toString('utf8')
        .split(':')[0] ?? '';
  else {
    return new ApiError(
      401,
      'invalid_request_error',
      'Invalid API Key provided: the Authorization header must use Bearer auth.',
    );
  }
  if (key !== secretKey)
    return new ApiError(
      401,
      'invalid_request_error',
      `Invalid API Key provided: ${redact(key)}`,
      'api_key_invalid',
    );
  return null;
}

export class SimServer {
  readonly stats: Stats = newStats();
  private readonly api: Api;
  private readonly faults: Faults;
  private server: Server | null = null;

  constructor(
    store: Store,
    private readonly opts: HttpOptions,
  ) {
    this.api = new Api(store);
    this.faults = new Faults(opts);
  }

  async listen(): Promise<{ port: number; host: string }> {
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          this.send(res, 500, new ApiError(500, 'api_error', String(err)).body('req_internal'));
      });
    });
    server.keepAliveTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    return { port: addr.port, host: this.opts.host };
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown, requestId?: string): void {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      'request-id': requestId ?? `req_${randomBytes(7).toString('hex')}`,
      'stripe-version': API_VERSION,
    });
    res.end(json);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    if (url.pathname.startsWith('/_sim/')) {
      const route = this.opts.simRoutes[url.pathname.slice(6)];
      if (route) this.send(res, 200, route());
      else
        this.send(res, 404, {
          error: { type: 'invalid_request_error', message: `Unknown simulator path ${url.pathname}` },
        });
      return;
    }
    const requestId = `req_${randomBytes(7).toString('hex')}`;
    const reply = (status: number, body: unknown) => {
      this.stats.requests++;
      this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
      this.send(res, status, body, requestId);
    };
    const fail = (e: ApiError) => reply(e.status, e.body(requestId));
    const latency = this.faults.latency();
    if (latency > 0) await sleep(latency);
    if (this.faults.drop()) {
      this.stats.dropped++;
      req.socket.destroy();
      return;
    }
    const auth = authError(req.headers.authorization, this.opts.secretKey);
    if (auth) return fail(auth);
    if (this.faults.rateLimited()) {
      return fail(
        new ApiError(
          429,
          'invalid_request_error',
          'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
          'rate_limit',
        ),
      );
    }
    if (this.faults.error()) {
      return fail(
        new ApiError(
          500,
          'api_error',
          'An unknown error occurred while processing your request (simulated).',
        ),
      );
    }
    const body = req.method === 'GET' || req.method === 'DELETE' ? '' : await readBody(req);
    if (req.method !== 'GET') {
      return fail(
        new ApiError(
          405,
          'invalid_request_error',
          `The simulator is read-only: ${req.method} ${url.pathname} is not supported.`,
          undefined,
        ),
      );
    }
    try {
      const form = parseForm(url.search.slice(1) || body);
      reply(200, this.api.handle(url.pathname, form));
    } catch (e) {
      if (e instanceof ApiError) return fail(e);
      throw e;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
