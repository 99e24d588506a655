/**
 * The OpenAPI 3.1 document of /api/v1, generated from the procedures' zod schemas
 * (z.toJSONSchema), so it cannot drift from what the endpoints accept and return.
 */
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/cookies.ts';
import { procedureDefs } from '../introspect.ts';
import { toSnake } from './case.ts';
import { REST_ROUTES } from './v1.ts';

type JsonSchema = Record<string, unknown>;
type AnySchema = z.core.$ZodType;

function jsonSchema(schema: AnySchema, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      }
    },
  }) as JsonSchema;
  delete out.$schema;
  return snakeSchema(out) as JsonSchema;
}

/** Renames `properties` and `required` to the snake_case the REST API speaks. */
function snakeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(snakeSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [toSnake(k), snakeSchema(v)]),
      );
    } else if (key === 'required' && Array.isArray(value)) {
      out.required = value.map((k) => toSnake(String(k)));
    } else {
      out[key] = snakeSchema(value);
    }
  }
  return out;
}

const errorSchema = {
  type: 'object',
  required: ['success', 'error'],
  properties: {
    success: { const: false },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          examples: ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
        },
        message: { type: 'string' },
        fields: {
          type: 'object',
          description: 'Problems per input field (snake_case), for forms',
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const ERRORS: Record<string, string> = {
  '400': 'Invalid input (see error.fields)',
  '401': 'No valid credentials',
  '403': 'The role or token may not do this',
  '404': 'No such resource',
  '409': 'Conflicts with the current state (e.g. a sync is already running)',
};

let cached: JsonSchema | undefined;

export function openApiDocument(basePath = '/api/v1'): JsonSchema {
  if (cached) return { ...cached, servers: [{ url: basePath }] };
  const procedures = procedureDefs();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of REST_ROUTES) {
    const procedure = procedures[route.procedure]!;
    const pathParams = [...route.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
    const input = procedure.input ? jsonSchema(procedure.input, 'input') : { type: 'object' };
    const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((input.required ?? []) as string[]);
    const parameters: unknown[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: properties[name] ?? { type: 'string' },
    }));
    let requestBody: unknown;
    if (route.method === 'GET') {
      for (const [name, schema] of Object.entries(properties)) {
        if (pathParams.includes(name)) continue;
        parameters.push({
          name,
          in: 'query',
          required: required.has(name),
          ...(schema.type === 'array' ? { style: 'form', explode: false } : {}),
          ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
          schema,
        });
      }
    } else {
      requestBody = { required: false, content: { 'application/json': { schema: input } } };
    }
    const data = procedure.output ? jsonSchema(procedure.output, 'output') : {};
    const ok = String(route.status ?? 200);
    const openPath = route.path.replace(/:([a-z_]+)/g, '{$1}');
    paths[openPath] ??= {};
    paths[openPath][route.method.toLowerCase()] = {
      operationId: route.procedure.replace('.', '_'),
      summary: route.summary,
      tags: [route.tag],
      'x-trpc-procedure': route.procedure,
      parameters,
      ...(requestBody ? { requestBody } : {}),
      responses: {
        [ok]: {
          description: 'OK',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['success', 'data'],
                properties: { success: { const: true }, data },
              },
            },
          },
        },
        ...Object.fromEntries(
          Object.entries(ERRORS).map(([status, description]) => [
            status,
            {
              description,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            },
          ]),
        ),
      },
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'MedPro Customer Intelligence API',
      version: '1.0.0',
      description:
        'Customers and subscription analytics mirrored from Stripe. Money is in minor units (cents) with a currency code; times are UTC.',
    },
    servers: [{ url: basePath }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token: mp_…' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas: { Error: errorSchema },
    },
  };
  return cached;
}
