/**
 * A thread of a full rebuild: reads and computes the chunks of customers the main thread hands
 * out, over its own connection, and posts the results back; the main thread writes them (one
 * writer). Reading rows and the math are most of a rebuild, and they spread over the cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDatabase, loadChunkInputs } from '@medpro/db';
import type { Day, MetricSettings } from '@medpro/metrics';
import { type Catalog, type ChunkOutcome, computeChunk } from './engine.ts';

export interface ChunkThreadData {
  url: string;
  catalog: Catalog;
  today: Day;
  settings: MetricSettings;
}

export type ChunkReply = { ok: true; outcome: ChunkOutcome } | { ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('chunk-thread.ts runs as a worker thread');
const { url, catalog, today, settings } = workerData as ChunkThreadData;
const db = createDatabase(url);

port.on('message', async (ids: string[] | null) => {
  if (ids === null) {
    await db.close();
    port.close();
    return;
  }
  let reply: ChunkReply;
  try {
    const inputs = await loadChunkInputs(db, ids);
    reply = {
      ok: true,
      outcome: { customers: inputs.customers.length, ...computeChunk(inputs, catalog, today, settings) },
    };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
