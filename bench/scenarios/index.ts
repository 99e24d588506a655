import type { Scenario } from '../harness.ts';
import { analyticsScenario } from './analytics.ts';
import { apiScenario } from './api.ts';
import { pagesScenario } from './pages.ts';
import { widgetsScenario } from './widgets.ts';

/** Every benchmark scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [widgetsScenario, analyticsScenario, apiScenario, pagesScenario];
