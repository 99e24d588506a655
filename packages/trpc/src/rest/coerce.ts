/**
 * Query strings carry only text; a procedure's zod input says what each field is. This reads
 * `?page=2&status=active,past_due&delinquent=true` into `{ page: 2, status: [...], delinquent: true }`
 * from the schema itself, so REST has no second list of parameters to keep in step.
 */
import type { z } from 'zod';
import { toCamel } from './case.ts';

type AnySchema = z.core.$ZodType;

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional/default/nullable/pipe wrappers. */
export function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** The fields of an object input schema (empty for anything else). */
export function objectShape(schema: AnySchema | undefined): Record<string, AnySchema> {
  if (!schema) return {};
  const inner = unwrap(schema);
  const def = inner._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' && def.shape ? def.shape : {};
}

function coerceScalar(text: string, schema: AnySchema): unknown {
  const type = unwrap(schema)._zod.def.type;
  if (type === 'number' || type === 'int') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (type === 'boolean')
    return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
  return text;
}

/**
 * Query parameters (snake_case) → procedure input (camelCase), typed by the schema. Array fields
 * take repeated parameters or comma-separated values. Unknown parameters are kept for zod to judge.
 */
export function inputFromQuery(
  params: URLSearchParams,
  schema: AnySchema | undefined,
): Record<string, unknown> {
  const shape = objectShape(schema);
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const name = toCamel(key);
    const values = params.getAll(key);
    const field = shape[name];
    const inner = field ? unwrap(field) : undefined;
    if (inner?._zod.def.type === 'array') {
      const element = (inner._zod.def as unknown as { element: AnySchema }).element;
      out[name] = values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== '')
        .map((v) => coerceScalar(v, element));
    } else {
      const last = values[values.length - 1] ?? '';
      out[name] = field ? coerceScalar(last, field) : last;
    }
  }
  return out;
}
