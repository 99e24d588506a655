/**
 * The backfill's commits: each batch of fetched pages in one transaction with its ranges'
 * cursors. It runs in a thread of its own (writer-thread.ts), so building rows, binding them and
 * handing statements to the database never wait behind the fetchers' response parsing on the
 * main thread, nor the reverse; an in-memory database, which a thread cannot open, commits in
 * the calling thread.
 */
import type { Worker } from 'node:worker_threads';
import type { Database } from '@medpro/db';
import { startThread } from '../threads.ts';
import { type Cursor, saveCursors } from './runs.ts';
import { checkpoint, type PageWrite, writePages } from './store.ts';

export interface Batch {
  pages: PageWrite[];
  /** The cursors the batch's ranges reach by its pages, saved in the same transaction. */
  cursors: Cursor[];
}

export interface BatchOutcome {
  /** Per page, the customers whose data it changed. */
  customers: string[][];
  /** Objects whose stored copy differed, by type (when counting drift). */
  drift: Record<string, number>;
}

export interface BatchWriter {
  commit(batch: Batch): Promise<BatchOutcome>;
  /** Waits for the last checkpoint and releases the connection (or thread). */
  close(): Promise<void>;
}

/** Batches between blocking WAL checkpoints. */
const CHECKPOINT_EVERY = 8;

/**
 * Commits batches over `db`. SQLite: commits skip the WAL checkpoint (it cost ~15 % of the
 * writer's time); a PASSIVE one runs on another connection after each commit, and every few
 * batches one runs between transactions (mostly copied already, so short): checkpoints beside
 * the writer never finish while it appends, and the WAL only restarts after one that did.
 */
export function committer(db: Database, countDrift: boolean): BatchWriter {
  let batches = 0;
  let checkpointing: Promise<void> | null = null;
  const knownCustomers = new Set<string>();
  return {
    async commit({ pages, cursors }) {
      if (++batches % CHECKPOINT_EVERY === 0) {
        await checkpointing;
        await checkpoint(db);
      }
      const drift: Record<string, number> = {};
      const results = await writePages(db, pages, {
        drift: countDrift ? { count: (type, n) => (drift[type] = (drift[type] ?? 0) + n) } : undefined,
        deferCheckpoint: true,
        knownCustomers,
        alsoInTransaction: (q) => saveCursors(db, cursors, q.transaction),
      });
      checkpointing ??= checkpoint(db)
        .catch(() => {}) // a later one copies what this one could not
        .finally(() => {
          checkpointing = null;
        });
      return { customers: results.map((r) => [...r.customers]), drift };
    },
    async close() {
      await checkpointing;
    },
  };
}

export interface WriterThreadData {
  url: string;
  countDrift: boolean;
}

export type WriterReply = { ok: true; outcome: BatchOutcome } | { ok: false; error: string };

/** The backfill's batch writer: in a thread of its own, unless the database is in memory. */
export function batchWriter(db: Database, countDrift: boolean): BatchWriter {
  if (db.config.dialect === 'sqlite' && db.config.storage === ':memory:') return committer(db, countDrift);
  const data: WriterThreadData = { url: db.url, countDrift };
  return threadWriter(startThread(new URL('./writer-thread.ts', import.meta.url), data));
}

/**
 * Replaces, in place, every value that serialises itself (`toJSON`: the SDK's Stripe.Decimal)
 * by what it serialises to, as a raw copy and the mappers would read it: a posted object loses
 * its class, and a Decimal's inner fields are not JSON.
 */
export function toPlain(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const entries = value as Record<string, unknown>;
  for (const key in entries) {
    const inner = entries[key];
    if (inner === null || typeof inner !== 'object') continue;
    if (typeof (inner as { toJSON?: unknown }).toJSON === 'function')
      entries[key] = (inner as { toJSON(): unknown }).toJSON();
    else toPlain(inner);
  }
}

function threadWriter(thread: Worker): BatchWriter {
  let died: Error | null = null;
  const exited = new Promise<void>((resolve) =>
    thread.once('exit', (code) => {
      died ??= new Error(`the sync's writer thread exited with code ${code}`);
      resolve();
    }),
  );
  thread.once('error', (error) => {
    died = error;
  });
  return {
    commit(batch) {
      if (died) return Promise.reject(died);
      return new Promise<BatchOutcome>((resolve, reject) => {
        const settle = () => {
          thread.off('message', onMessage);
          thread.off('exit', onExit);
        };
        const onMessage = (reply: WriterReply) => {
          settle();
          if (reply.ok) resolve(reply.outcome);
          else reject(new Error(reply.error));
        };
        const onExit = () => {
          settle();
          reject(died);
        };
        thread.on('message', onMessage);
        thread.once('exit', onExit);
        for (const page of batch.pages) toPlain(page.objects);
        thread.postMessage(batch);
      });
    },
    async close() {
      // The thread checkpoints, closes its connection and ends by itself (ending it mid-query
      // would take the process down in the SQLite driver).
      if (!died) thread.postMessage(null);
      await exited;
    },
  };
}
