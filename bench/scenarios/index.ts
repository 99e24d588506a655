import type { Scenario } from '../harness.ts';
import { analyticsScenario } from './analytics.ts';
import { apiScenario } from './api.ts';
import { freshnessScenario } from './freshness.ts';
import { memoryScenario } from './memory.ts';
import { pagesScenario } from './pages.ts';
import { simulatorScenario } from './simulator.ts';
import { syncScenario } from './sync.ts';
import { widgetsScenario } from './widgets.ts';

/** Every benchmark scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [
  simulatorScenario,
  syncScenario,
  widgetsScenario,
  analyticsScenario,
  apiScenario,
  pagesScenario,
  memoryScenario,
  freshnessScenario,
];
