import { createTestDatabase, testDialects } from '@medpro/db/testing';
import { describe, expect, it } from 'vitest';
import { createContext } from '../context.ts';
import { createCaller } from '../root.ts';
import { DEMO_ADMIN_EMAIL, ensureDemoAdmin } from './accounts.ts';

const dialects = await testDialects();

describe.each(dialects)('demo admin on %s', (dialect) => {
  it('is created once, on a database without users, with a password that signs in', async () => {
    const t = await createTestDatabase(dialect);
    try {
      const first = await ensureDemoAdmin(t.db);
      expect(first).toMatchObject({
        email: DEMO_ADMIN_EMAIL,
        password: expect.stringMatching(/^[\w-]{20}$/),
      });
      expect(await ensureDemoAdmin(t.db)).toBeNull();
      const caller = createCaller(createContext(t.db, null));
      const { user } = await caller.auth.signIn({ email: first!.email, password: first!.password });
      expect(user.role).toBe('admin');
    } finally {
      await t.destroy();
    }
  });
});
