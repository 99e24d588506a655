/**
 * The `settings` table holds JSON values under these keys. The worker watches
 * `metric_settings_version`: when its `version` differs from the one it last computed with,
 * the metric history must be recomputed under the new rules.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection.ts';
import { num, parseJson, str, toDate } from './values.ts';

export const SETTING_KEYS = {
  /** @medpro/metrics `MetricSettings` (reporting currency, rates, metric rules). */
  metrics: 'metric_settings',
  /** `{ version, changedAt, changedBy }`, bumped on every change of `metric_settings`. */
  metricsVersion: 'metric_settings_version',
  /** `{ allowedOrigins: string[] }`: pages allowed to embed the widgets. */
  widgets: 'widget_settings',
  /** `{ locale, timeZone }`: how the admin app formats money and dates. */
  display: 'display_settings',
} as const;

export interface MetricSettingsVersion {
  version: number;
  changedAt: string | null;
  changedBy: string | null;
}

type Raw = Record<string, unknown>;

export interface SettingRecord {
  key: string;
  value: unknown;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export async function readSettings(
  db: Database,
  keys: readonly string[],
): Promise<Map<string, SettingRecord>> {
  const rows = await db.sequelize.query<Raw>('SELECT * FROM settings WHERE `key` IN (:keys)', {
    type: QueryTypes.SELECT,
    replacements: { keys: [...keys] },
  });
  return new Map(
    rows.map((r) => [
      String(r.key),
      {
        key: String(r.key),
        value: parseJson(r.value),
        updatedBy: str(r.updated_by),
        updatedAt: toDate(r.updated_at),
      },
    ]),
  );
}

async function upsertSetting(
  db: Database,
  key: string,
  value: unknown,
  by: string,
  now: Date,
  transaction: Transaction,
) {
  const [affected] = await db.models.Setting.update(
    { value, updated_by: by, updated_at: now },
    { where: { key }, transaction },
  );
  if (affected === 0) {
    await db.models.Setting.create(
      { key, value, updated_by: by, created_at: now, updated_at: now },
      { transaction },
    );
  }
}

/**
 * Writes the given settings in one transaction. When the metric settings are among them, the
 * version is bumped in the same transaction, so the worker never sees new rules without it.
 * Returns the metric settings version after the write.
 */
export async function writeSettings(
  db: Database,
  values: Partial<Record<'metrics' | 'widgets' | 'display', unknown>>,
  by: string,
  now: Date,
): Promise<MetricSettingsVersion> {
  return db.sequelize.transaction(async (transaction) => {
    if (values.widgets !== undefined)
      await upsertSetting(db, SETTING_KEYS.widgets, values.widgets, by, now, transaction);
    if (values.display !== undefined)
      await upsertSetting(db, SETTING_KEYS.display, values.display, by, now, transaction);
    // SQLite transactions here take the write lock at BEGIN; MySQL needs the row locked.
    const lock = db.dialect === 'mysql' ? ' FOR UPDATE' : '';
    const [row] = await db.sequelize.query<Raw>(`SELECT value FROM settings WHERE \`key\` = :key${lock}`, {
      type: QueryTypes.SELECT,
      replacements: { key: SETTING_KEYS.metricsVersion },
      transaction,
    });
    const current = readVersion(row?.value);
    if (values.metrics === undefined) return current;
    await upsertSetting(db, SETTING_KEYS.metrics, values.metrics, by, now, transaction);
    const next = { version: current.version + 1, changedAt: now.toISOString(), changedBy: by };
    await upsertSetting(db, SETTING_KEYS.metricsVersion, next, by, now, transaction);
    return next;
  });
}

export function readVersion(value: unknown): MetricSettingsVersion {
  const v = parseJson<Record<string, unknown>>(value);
  return {
    version: v && typeof v.version === 'number' ? num(v.version) : 0,
    changedAt: v && typeof v.changedAt === 'string' ? v.changedAt : null,
    changedBy: v && typeof v.changedBy === 'string' ? v.changedBy : null,
  };
}
