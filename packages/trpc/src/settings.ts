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

/** Locales the admin app can be displayed in; the first is the default. */
export const DISPLAY_LOCALES = ['pt-BR', 'en-US', 'es-ES'] as const;
export type DisplayLocale = (typeof DISPLAY_LOCALES)[number];

export interface DisplaySettings {
  locale: DisplayLocale;
  /** IANA time zone for timestamps; calendar days (metric dates) stay UTC days. */
  timeZone: string;
}

export const DEFAULT_DISPLAY_SETTINGS: DisplaySettings = { locale: 'pt-BR', timeZone: 'America/Sao_Paulo' };

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The stored display setting, or the defaults for anything missing or hand-edited into nonsense. */
function displayOf(value: unknown): DisplaySettings {
  const v = (value ?? {}) as { locale?: unknown; timeZone?: unknown };
  return {
    locale: DISPLAY_LOCALES.includes(v.locale as DisplayLocale)
      ? (v.locale as DisplayLocale)
      : DEFAULT_DISPLAY_SETTINGS.locale,
    timeZone:
      typeof v.timeZone === 'string' && isTimeZone(v.timeZone)
        ? v.timeZone
        : DEFAULT_DISPLAY_SETTINGS.timeZone,
  };
}

export async function readDisplaySettings(db: Database): Promise<DisplaySettings> {
  const rows = await readSettings(db, [SETTING_KEYS.display]);
  return displayOf(rows.get(SETTING_KEYS.display)?.value);
}

export interface StoredSettings {
  metrics: MetricSettings;
  /** Problems with the stored metric settings (hand-edited rows); the defaults apply meanwhile. */
  metricsIssues: string[];
  metricsVersion: MetricSettingsVersion;
  widgetOrigins: string[];
  display: DisplaySettings;
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
    display: displayOf(rows.get(SETTING_KEYS.display)?.value),
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
