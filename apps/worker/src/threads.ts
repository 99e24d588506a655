import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';

const tsxApi = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs'),
).href;

/**
 * Starts a worker thread running a TypeScript module: registers tsx (as bin/medpro.js does),
 * then loads it. Node 20 does not apply the parent's module hooks, nor `--import` in execArgv,
 * to workers.
 */
export function startThread(module: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { eval: true, workerData, ...(resourceLimits ? { resourceLimits } : {}) });
}
