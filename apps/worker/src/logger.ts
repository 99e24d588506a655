import pino from 'pino';

/** Structured JSON logs (one object a line), to stderr so stdout stays for command output. */
export function createLogger(level: string, name = 'worker') {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}

export type Logger = ReturnType<typeof createLogger>;
