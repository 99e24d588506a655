import { z } from 'zod';

/** The admin app's environment, read and validated once; nothing else reads process.env. */
const schema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
});

export const env = schema.parse(process.env);
