/**
 * The backfill's commits: each batch of fetched pages in one transaction with its ranges'
 * cursors. On SQLite they run in a thread of its own (writer-thread.ts), so building rows,
 * binding them and handing statements to the database never wait behind the fetchers' response
 * parsing on the main thread, nor the reverse; MySQL, and an in-memory SQLite database, which a
 * thread cannot open, commit in the calling thread (see batchWriter).
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

/**
 * Pages per transaction at most, and pages a range may have queued ahead of its commits.
 * Larger transactions rewrite the same index pages less often (at 10k customers on SQLite, 64
 * and 2 wrote 6.2 GB, 32 and 1 6.8 GB, 128 and 4 4.2 GB), but hold more pages in memory.
 */
export interface BatchLimits {
  pagesPerBatch: number;
  queuedPerRange: number;
}

/** In the writer thread: these keep the worker under 1 GB (128 and 4 took it past). */
const THREAD_LIMITS: BatchLimits = { pagesPerBatch: 64, queuedPerRange: 2 };
/** In the calling thread, where pages wait beside the fetchers' (64 and 2: 1 GB at 10k on MariaDB). */
const IN_PROCESS_LIMITS: BatchLimits = { pagesPerBatch: 32, queuedPerRange: 1 };

export interface BatchWriter {
  readonly limits: BatchLimits;
  commit(batch: Batch): Promise<BatchOutcome>;
  /** Waits for the last checkpoint and releases the connection (or thread). */
  close(): Promise<void>;
}

/** WAL length (pages) past which the writer restarts it between transactions: 256 MB. */
const WAL_RESTART_PAGES = 65_536;

/**
 * Commits batches over `db`. SQLite: commits skip the WAL checkpoint (it cost ~15 % of the
 * writer's time); a PASSIVE one runs on another connection after each commit. Those never
 * finish while the writer appends, and the WAL only starts over after one that copied it all
 * with no other writer in between (the main thread's heartbeats and leases write too): once it
 * outgrows WAL_RESTART_PAGES, a RESTART checkpoint runs between two transactions. A passive
 * one every 8 batches instead let it reach 11 GB, and grow on, at 100k customers.
 */
export function committer(db: Database, countDrift: boolean): BatchWriter {
  let walPages = 0;
  let checkpointing: Promise<void> | null = null;
  const knownCustomers = new Set<string>();
  return {
    limits: IN_PROCESS_LIMITS,
    async commit({ pages, cursors }) {
      if (walPages > WAL_RESTART_PAGES) {
        await checkpointing;
        const restart = await checkpoint(db, 'RESTART');
        walPages = restart.complete ? 0 : restart.walPages;
      }
      const drift: Record<string, number> = {};
      const results = await writePages(db, pages, {
        drift: countDrift ? { count: (type, n) => (drift[type] = (drift[type] ?? 0) + n) } : undefined,
        deferCheckpoint: true,
        knownCustomers,
        alsoInTransaction: (q) => saveCursors(db, cursors, q.transaction),
      });
      checkpointing ??= checkpoint(db)
        .then((passive) => {
          walPages = passive.walPages;
        })
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

/**
 * The writer thread's old-generation heap: V8 let it grow lazily to ~500 MB, which took the
 * worker past its 1 GB budget; a batch (THREAD_LIMITS) needs a fraction.
 */
const WRITER_HEAP_MB = 256;

/**
 * The backfill's batch writer: SQLite's in a thread of its own (an in-memory database, which a
 * thread cannot open, excepted). MySQL's stays in the calling thread, where it costs little
 * since its values go as prepared statements' parameters (16 s of CPU at 10k). A thread was
 * tried while they were escaped into the SQL text: the batch's statements kept its capped heap
 * collecting (GC threads took 43 s of CPU at 10k, the run 90-100 s against 86 s).
 */
export function batchWriter(db: Database, countDrift: boolean): BatchWriter {
  if (db.config.dialect !== 'sqlite' || db.config.storage === ':memory:') return committer(db, countDrift);
  const data: WriterThreadData = { url: db.url, countDrift };
  return threadWriter(
    startThread(new URL('./writer-thread.ts', import.meta.url), data, {
      maxOldGenerationSizeMb: WRITER_HEAP_MB,
    }),
  );
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
    limits: THREAD_LIMITS,
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
