import { writeAudit } from '@medpro/db';
import type { Context, Principal } from './context.ts';

export function actorOf(principal: Principal | null): { actor: string; actorUserId: number | null } {
  if (!principal) return { actor: 'anonymous', actorUserId: null };
  if (principal.type === 'user') return { actor: principal.email, actorUserId: principal.userId };
  return { actor: `token:${principal.name}`, actorUserId: principal.createdByUserId };
}

/** Records who did what, when and from where. */
export async function audit(
  ctx: Context,
  action: string,
  target: string | null,
  details: Record<string, unknown> | null = null,
  actor = actorOf(ctx.principal),
): Promise<void> {
  await writeAudit(
    ctx.db,
    { ...actor, action, target, details, ip: ctx.client.ip, userAgent: ctx.client.userAgent },
    ctx.now(),
  );
}
