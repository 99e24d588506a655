import { recordWebhookSignatureFailure } from '@medpro/db/stripe-inbox';
import { createTestDatabase, testDialects } from '@medpro/db/testing';
import { describe, expect, it } from 'vitest';
import { createContext } from '../context.ts';
import { createCaller } from '../root.ts';

describe.each(await testDialects())('sync.webhookHealth on %s', (dialect) => {
  it('reports webhook deliveries refused for their signature, with the latest reason', async () => {
    const t = await createTestDatabase(dialect);
    try {
      const caller = createCaller(
        createContext(t.db, {
          type: 'user',
          userId: 1,
          email: 'viewer@medpro.test',
          name: null,
          role: 'viewer',
          sessionIdHash: null,
        }),
      );
      expect((await caller.sync.webhookHealth({})).signatureFailures).toBe(0);
      await recordWebhookSignatureFailure(t.db, 'No signatures found', new Date('2026-11-25T10:00:00Z'));
      await recordWebhookSignatureFailure(
        t.db,
        'Timestamp outside the tolerance zone',
        new Date('2026-11-25T11:00:00Z'),
      );
      expect(await caller.sync.webhookHealth({})).toMatchObject({
        signatureFailures: 2,
        lastSignatureFailureAt: new Date('2026-11-25T11:00:00Z'),
        lastSignatureFailureReason: 'Timestamp outside the tolerance zone',
      });
    } finally {
      await t.destroy();
    }
  });
});
