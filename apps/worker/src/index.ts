export { type Env, readEnv } from './env.ts';
