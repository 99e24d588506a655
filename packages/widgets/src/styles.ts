/**
 * The components' stylesheet. Widgets put it inside their shadow root; the admin app adds it
 * once to its pages. Everything is themable through --medpro-* custom properties.
 */
export const CHART_CSS = `
.mp-root {
  font-family: var(--medpro-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--medpro-font-size, 14px);
  line-height: 1.4;
  color: var(--medpro-text, #1f2937);
  --mp-accent: var(--medpro-accent, #2563eb);
  --mp-muted: var(--medpro-muted, #6b7280);
  --mp-good: var(--medpro-good, #15803d);
  --mp-warning: var(--medpro-warning, #b45309);
  --mp-bad: var(--medpro-bad, #b91c1c);
  --mp-surface: var(--medpro-surface, #ffffff);
  --mp-border: var(--medpro-border, #e5e7eb);
  --mp-radius: var(--medpro-radius, 8px);
}
.mp-root *, .mp-root *::before, .mp-root *::after { box-sizing: border-box; }
.mp-sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.mp-chart { margin: 0; position: relative; }
.mp-chart__head { display: flex; align-items: center; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.mp-chart__title { font-weight: 600; }
.mp-chart--compact .mp-chart__head { justify-content: flex-end; }
.mp-chart__tools { display: flex; gap: 4px; }
.mp-button {
  font: inherit; font-size: 12px; color: var(--mp-accent); background: transparent;
  border: 1px solid var(--mp-border); border-radius: calc(var(--mp-radius) / 2);
  padding: 2px 8px; cursor: pointer;
}
.mp-button[aria-pressed="true"] { background: var(--mp-accent); color: #fff; }
.mp-button:focus-visible, .mp-svg:focus-visible, .mp-svg [tabindex]:focus-visible, .mp-link:focus-visible {
  outline: 2px solid var(--mp-accent); outline-offset: 2px;
}
.mp-chart__plot { position: relative; width: 100%; margin-top: 4px; }
.mp-svg { display: block; overflow: visible; }
.mp-axis text { fill: var(--mp-muted); font-size: 11px; font-family: inherit; }
.mp-axis line, .mp-axis path { stroke: var(--mp-border); }
.mp-line { fill: none; stroke: var(--mp-accent); stroke-width: 2; }
.mp-area { fill: var(--mp-accent); fill-opacity: 0.15; stroke: none; }
.mp-crosshair { stroke: var(--mp-muted); stroke-dasharray: 3 3; }
.mp-dot { fill: var(--mp-accent); stroke: var(--mp-surface); stroke-width: 2; }
.mp-zero { stroke: var(--mp-muted); }
.mp-seg { cursor: pointer; }
.mp-seg:hover, .mp-seg:focus { opacity: 0.8; }
.mp-seg--new { fill: var(--medpro-color-new, #16a34a); background: var(--medpro-color-new, #16a34a); }
.mp-seg--expansion { fill: var(--medpro-color-expansion, #4ade80); background: var(--medpro-color-expansion, #4ade80); }
.mp-seg--reactivation { fill: var(--medpro-color-reactivation, #0ea5e9); background: var(--medpro-color-reactivation, #0ea5e9); }
.mp-seg--contraction { fill: var(--medpro-color-contraction, #f97316); background: var(--medpro-color-contraction, #f97316); }
.mp-seg--churn { fill: var(--medpro-color-churn, #dc2626); background: var(--medpro-color-churn, #dc2626); }
.mp-net { fill: none; stroke: var(--medpro-text, #1f2937); stroke-width: 2; }
.mp-net-dot { fill: var(--medpro-text, #1f2937); }
.mp-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; margin: 4px 0 0; padding: 0; font-size: 12px; color: var(--mp-muted); }
.mp-legend--column { flex-direction: column; justify-content: center; }
.mp-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.mp-swatch--net { background: var(--medpro-text, #1f2937); height: 2px; vertical-align: 3px; }
.mp-donut { display: flex; gap: 16px; align-items: center; }
.mp-donut__total { font-size: 18px; font-weight: 600; fill: currentColor; }
.mp-slice--0 { fill: var(--mp-accent); background: var(--mp-accent); }
.mp-slice--1 { fill: #16a34a; background: #16a34a; }
.mp-slice--2 { fill: #f59e0b; background: #f59e0b; }
.mp-slice--3 { fill: #dc2626; background: #dc2626; }
.mp-slice--4 { fill: #8b5cf6; background: #8b5cf6; }
.mp-slice--5 { fill: #64748b; background: #64748b; }
.mp-heat__cell { fill: var(--mp-accent); }
.mp-heat__cell--active { stroke: var(--medpro-text, #1f2937); stroke-width: 2; }
.mp-heat__text { font-size: 11px; fill: var(--medpro-text, #1f2937); pointer-events: none; }
.mp-heat__text--on-dark { fill: #fff; }
.mp-heat__head { font-size: 11px; fill: var(--mp-muted); }
.mp-tooltip {
  position: absolute; transform: translate(-50%, calc(-100% - 8px)); pointer-events: none;
  display: flex; flex-direction: column; gap: 2px; white-space: nowrap; z-index: 1;
  background: var(--medpro-tooltip-bg, #111827); color: var(--medpro-tooltip-text, #f9fafb);
  border-radius: calc(var(--mp-radius) / 2); padding: 6px 8px; font-size: 12px;
}
.mp-table-wrap { overflow-x: auto; margin-top: 4px; }
.mp-table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
.mp-table th, .mp-table td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mp-border); }
.mp-table td { text-align: right; }
.mp-empty { color: var(--mp-muted); margin: 8px 0; }
.mp-card { display: flex; flex-direction: column; gap: 2px; }
.mp-card__label { margin: 0; color: var(--mp-muted); font-size: 13px; }
.mp-card__note { margin: 2px 0 0; color: var(--mp-muted); font-size: 12px; }
.mp-card__value { margin: 0; font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
.mp-change { margin: 0; font-size: 13px; }
.mp-change--good { color: var(--mp-good); }
.mp-change--bad { color: var(--mp-bad); }
.mp-change--flat { color: var(--mp-muted); }
.mp-badge {
  display: inline-flex; align-items: center; gap: 6px; border-radius: 999px; padding: 2px 10px;
  font-weight: 600; font-size: 13px; border: 1px solid currentColor;
}
.mp-badge__score { font-variant-numeric: tabular-nums; }
.mp-badge--good { color: var(--mp-good); background: color-mix(in srgb, var(--mp-good) 10%, transparent); }
.mp-badge--warning { color: var(--mp-warning); background: color-mix(in srgb, var(--mp-warning) 10%, transparent); }
.mp-badge--at_risk { color: var(--mp-bad); background: color-mix(in srgb, var(--mp-bad) 10%, transparent); }
.mp-badge--none { color: var(--mp-muted); }
.mp-health { display: flex; flex-direction: column; gap: 8px; }
.mp-health__head { display: flex; align-items: center; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.mp-health__name { margin: 0; font-weight: 600; font-size: 16px; overflow-wrap: anywhere; }
.mp-health__figures { display: flex; gap: 24px; margin: 0; }
.mp-health__figures dt { color: var(--mp-muted); font-size: 12px; }
.mp-health__figures dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.mp-health__subtitle { margin: 0; color: var(--mp-muted); font-size: 12px; }
.mp-health__factors { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 2px; }
.mp-factor { display: flex; justify-content: space-between; gap: 8px; font-size: 13px; }
.mp-factor__impact { font-variant-numeric: tabular-nums; white-space: nowrap; }
.mp-factor--bad .mp-factor__impact { color: var(--mp-bad); }
.mp-factor--good .mp-factor__impact { color: var(--mp-good); }
.mp-link { color: var(--mp-accent); font-size: 13px; }
.mp-list { display: flex; flex-direction: column; gap: 6px; }
.mp-list__title { margin: 0; font-weight: 600; }
.mp-list__items { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.mp-list__item { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; align-items: center; }
.mp-list__figure { grid-column: 1 / -1; color: var(--mp-muted); font-size: 12px; font-variant-numeric: tabular-nums; }
`;
