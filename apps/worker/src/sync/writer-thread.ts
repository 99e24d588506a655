/** The backfill's writer thread: commits the batches the main thread posts (see batch-writer.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { createDatabase, enlargeSyncPageCache } from '@medpro/db';
import { type Batch, committer, type WriterReply, type WriterThreadData } from './batch-writer.ts';

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread');
const { url, countDrift } = workerData as WriterThreadData;
const db = createDatabase(url);
const writer = committer(db, countDrift);
const ready = enlargeSyncPageCache(db.sequelize);

port.on('message', async (batch: Batch | null) => {
  if (batch === null) {
    await writer.close();
    await db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    await ready;
    reply = { ok: true, outcome: await writer.commit(batch) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
