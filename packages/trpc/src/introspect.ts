/** The router's procedures by dotted path, with their zod schemas: what REST and OpenAPI are built from. */
import type { z } from 'zod';
import { appRouter } from './root.ts';

export interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  input: z.core.$ZodType | undefined;
  output: z.core.$ZodType | undefined;
}

export function procedureDefs(): Record<string, ProcedureDef> {
  // tRPC keeps a flat map of dotted paths at runtime; its type is the nested router.
  const flat = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: ProcedureDef['type']; inputs: z.core.$ZodType[]; output?: z.core.$ZodType } }
  >;
  return Object.fromEntries(
    Object.entries(flat).map(([path, p]) => [
      path,
      { type: p._def.type, input: p._def.inputs[0], output: p._def.output },
    ]),
  );
}
