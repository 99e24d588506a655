import { QueryTypes } from 'sequelize';
import type { Database } from '../connection.ts';
import { containsPattern, num, parseJson, str, toDate } from './values.ts';

type Raw = Record<string, unknown>;

export interface AuditEntry {
  actorUserId: number | null;
  /** A user's email, `token:<name>`, `system`, or the email tried in a failed sign-in. */
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  createdAt: Date;
}

export async function writeAudit(db: Database, entry: AuditEntry, now: Date): Promise<void> {
  await db.models.AuditLog.create({
    actor_user_id: entry.actorUserId,
    actor: entry.actor.slice(0, 255),
    action: entry.action,
    target: entry.target?.slice(0, 255) ?? null,
    details: entry.details,
    ip: entry.ip?.slice(0, 64) ?? null,
    user_agent: entry.userAgent?.slice(0, 255) ?? null,
    created_at: now,
  });
}

export interface AuditQuery {
  page: number;
  limit: number;
  actions?: string[];
  /** Matched anywhere in the actor. */
  actor?: string;
  target?: string;
  from?: Date;
  to?: Date;
}

export async function listAudit(
  db: Database,
  q: AuditQuery,
): Promise<{ items: AuditRecord[]; total: number }> {
  const conditions = ['1 = 1'];
  const replacements: Record<string, unknown> = { limit: q.limit, offset: (q.page - 1) * q.limit };
  if (q.actions?.length) {
    replacements.actions = q.actions;
    conditions.push('action IN (:actions)');
  }
  if (q.actor) {
    replacements.actor = containsPattern(q.actor);
    conditions.push("actor LIKE :actor ESCAPE '!'");
  }
  if (q.target) {
    replacements.target = q.target;
    conditions.push('target = :target');
  }
  if (q.from) {
    replacements.from = q.from;
    conditions.push('created_at >= :from');
  }
  if (q.to) {
    replacements.to = q.to;
    conditions.push('created_at < :to');
  }
  const where = conditions.join(' AND ');
  const rows = await db.sequelize.query<Raw>(
    `SELECT * FROM audit_log WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
    { type: QueryTypes.SELECT, replacements },
  );
  const [count] = await db.sequelize.query<Raw>(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where}`, {
    type: QueryTypes.SELECT,
    replacements,
  });
  return {
    total: num(count?.n),
    items: rows.map((r) => ({
      id: num(r.id),
      actorUserId: r.actor_user_id === null ? null : num(r.actor_user_id),
      actor: String(r.actor),
      action: String(r.action),
      target: str(r.target),
      details: parseJson<Record<string, unknown>>(r.details),
      ip: str(r.ip),
      userAgent: str(r.user_agent),
      createdAt: toDate(r.created_at)!,
    })),
  };
}

/**
 * Failed sign-ins for an email (and IP, when given) since `since`, not counting those before
 * the last successful sign-in from there: what login throttling counts.
 */
export async function countRecentFailures(
  db: Database,
  q: { email: string; ip?: string | null; since: Date },
): Promise<number> {
  // Null-safe equality, so a request without a known IP still matches its own earlier attempts.
  const sameIp = q.ip === undefined ? '' : `AND ip ${db.dialect === 'mysql' ? '<=>' : 'IS'} :ip`;
  const replacements = { email: q.email.toLowerCase(), since: q.since, ip: q.ip ?? null };
  const [last] = await db.sequelize.query<Raw>(
    `SELECT MAX(created_at) AS at FROM audit_log
     WHERE action = 'auth.sign_in' AND target = :email AND created_at >= :since ${sameIp}`,
    { type: QueryTypes.SELECT, replacements },
  );
  const lastSuccess = toDate(last?.at);
  const [count] = await db.sequelize.query<Raw>(
    `SELECT COUNT(*) AS n FROM audit_log
     WHERE action = 'auth.sign_in_failed' AND target = :email ${sameIp}
       AND ${lastSuccess ? 'created_at > :after' : 'created_at >= :since'}`,
    { type: QueryTypes.SELECT, replacements: { ...replacements, after: lastSuccess } },
  );
  return num(count?.n);
}
