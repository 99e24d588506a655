import type { Context } from '../context.ts';
import { createCaller } from '../root.ts';

/** Calls a procedure by its dotted path; a streamed result (the CSV export) is read whole into `{ csv }`. */
export async function callProcedure(
  ctx: Context,
  path: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  let node: unknown = createCaller(ctx);
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  const result = await (node as (i: unknown) => Promise<unknown>)(input);
  if (typeof result === 'object' && result !== null && Symbol.asyncIterator in result) {
    let csv = '';
    for await (const line of result as AsyncIterable<string>) csv += line;
    return { csv };
  }
  return result as Record<string, unknown>;
}
