/**
 * @medpro/stripe-sim — a local server speaking the subset of Stripe's REST API our sync uses,
 * serving a deterministic generated account (with ground-truth MRR) or a fixture.
 */
export { type Account, GeneratedAccount, generateAccount, hashAccount } from './account.ts';
export { type FixtureAccountData, loadFixture } from './fixture.ts';
export type { GenerateOptions } from './generate.ts';
export type { GroundTruth, Span } from './groundtruth.ts';
export { convertMinor, DEFAULT_RATES, type Rates, rate4, subscriptionMrr } from './mrr.ts';
export { type SimulatorProcess, type SimulatorProcessOptions, startSimulatorProcess } from './process.ts';
export { API_VERSION } from './render.ts';
export type { Stats } from './server.ts';
export { type Simulator, type SimulatorOptions, startSimulator } from './simulator.ts';
export { signWebhookPayload } from './webhooks.ts';
