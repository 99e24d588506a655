import {
  type Database,
  type MetricSettingsVersion,
  readSettings,
  readVersion,
  SETTING_KEYS,
  type SettingRecord,
} from '@medpro/db';
import {
  DEFAULT_METRIC_SETTINGS,
  type MetricSettings,
  normalizeMetricSettings,
  validateMetricSettings,
} from '@medpro/metrics';

export interface StoredSettings {
  metrics: MetricSettings;
  /** Problems with the stored metric settings (hand-edited rows); the defaults apply meanwhile. */
  metricsIssues: string[];
  metricsVersion: MetricSettingsVersion;
  widgetOrigins: string[];
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function readStoredSettings(db: Database): Promise<StoredSettings> {
  const rows = await readSettings(db, Object.values(SETTING_KEYS));
  const metrics = validateMetricSettings(rows.get(SETTING_KEYS.metrics)?.value ?? undefined);
  const latest = [...rows.values()].reduce<SettingRecord | null>(
    (a, r) => (!a || (r.updatedAt && a.updatedAt && r.updatedAt > a.updatedAt) ? r : a),
    null,
  );
  return {
    metrics: metrics.ok ? metrics.value : normalizeMetricSettings(undefined),
    metricsIssues: metrics.ok ? [] : metrics.issues,
    metricsVersion: readVersion(rows.get(SETTING_KEYS.metricsVersion)?.value ?? null),
    widgetOrigins: originsOf(rows.get(SETTING_KEYS.widgets)?.value),
    updatedAt: latest?.updatedAt ?? null,
    updatedBy: latest?.updatedBy ?? null,
  };
}

function originsOf(value: unknown): string[] {
  const origins = (value as { allowedOrigins?: unknown } | null)?.allowedOrigins;
  return Array.isArray(origins) ? origins.filter((o): o is string => typeof o === 'string') : [];
}

export async function readWidgetOrigins(db: Database): Promise<string[]> {
  const rows = await readSettings(db, [SETTING_KEYS.widgets]);
  return originsOf(rows.get(SETTING_KEYS.widgets)?.value);
}

/** The reporting currency figures are shown in (ISO code, upper case). */
export async function reportingCurrency(db: Database): Promise<string> {
  const rows = await readSettings(db, [SETTING_KEYS.metrics]);
  const metrics = validateMetricSettings(rows.get(SETTING_KEYS.metrics)?.value ?? undefined);
  return metrics.ok ? metrics.value.reportingCurrency : DEFAULT_METRIC_SETTINGS.reportingCurrency;
}
