import type { Scenario } from '../harness.ts';

/** Every benchmark scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [];
