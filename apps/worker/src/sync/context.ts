import type { Logger as Pino } from 'pino';

/** The logger the sync writes to (pino, or a silent one in tests). */
export type Logger = Pick<Pino, 'info' | 'warn' | 'error' | 'debug'>;
