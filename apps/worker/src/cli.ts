import { parseArgs } from 'node:util';
import { describeConnectionError, parseDatabaseUrl } from '@medpro/db';
import { isDay } from '@medpro/metrics';
import { AppError } from '@medpro/trpc';
import { AccountArgsError, tokenCreateCommand, userCreateCommand } from './commands/accounts.ts';
import { metricsCommand } from './commands/metrics.ts';
import { migrateCommand } from './commands/migrate.ts';
import { EnvError, readEnv } from './env.ts';

const USAGE = `Usage: medpro <command> [options]

Commands:
  start [--dev]   start the whole product (admin app, worker) on the configured database
  migrate         create or upgrade the database schema (adopts an existing medpro_admin database)
  worker          run the background worker (sync, events, metrics schedules)
  sync --full | --incremental | --reconcile [--rate N]
                  run one Stripe sync in the foreground (progress bar on a terminal)
  user create --email E --role admin|analyst|viewer [--name N] [--password P]
                  create a user (without --password one is generated and printed once)
  token create --role R --name N [--expires-in-days D]
                  create an API token for scripts (printed once; only its hash is stored)
  metrics --rebuild | --customer <id>… [--today YYYY-MM-DD]
                  recompute the analytics: everything, or only the given customers

Environment: DATABASE_URL (default sqlite:./data/medpro.sqlite), PORT (default 3000), LOG_LEVEL.`;

/** Errors a user can fix: printed as one line, no stack. */
class UsageError extends Error {}

/**
 * The same, from modules loaded only by their command (start, worker and sync load the Stripe
 * SDK and the simulator, which would slow every other command's start): known by name.
 */
const KNOWN_ERROR_NAMES = new Set(['StartError', 'SyncConfigError', 'LeaseHeldError', 'SyncFailedError']);

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  const env = readEnv();
  switch (command) {
    case 'migrate':
      parseArgs({ args: rest, options: {}, strict: true });
      return migrateCommand(env);
    case 'worker':
      parseArgs({ args: rest, options: {}, strict: true });
      return (await import('./commands/worker.ts')).workerCommand(env);
    case 'sync': {
      const { values } = parseArgs({
        args: rest,
        options: {
          full: { type: 'boolean', default: false },
          incremental: { type: 'boolean', default: false },
          reconcile: { type: 'boolean', default: false },
          rate: { type: 'string' },
        },
        strict: true,
      });
      const modes = (['full', 'incremental', 'reconcile'] as const).filter((m) => values[m]);
      if (modes.length !== 1)
        throw new UsageError('sync needs exactly one of --full, --incremental, --reconcile');
      const rate = values.rate === undefined ? undefined : Number(values.rate);
      if (rate !== undefined && !(rate > 0))
        throw new UsageError(`--rate must be a positive number, got "${values.rate}"`);
      return (await import('./commands/sync.ts')).syncCommand(env, { mode: modes[0]!, rate });
    }
    case 'metrics': {
      const { values } = parseArgs({
        args: rest,
        options: {
          rebuild: { type: 'boolean', default: false },
          customer: { type: 'string', multiple: true },
          today: { type: 'string' },
        },
        strict: true,
      });
      const customers = values.customer ?? [];
      if (values.rebuild === customers.length > 0)
        throw new UsageError('metrics needs either --rebuild or one or more --customer <id>');
      if (values.today !== undefined && !isDay(values.today))
        throw new UsageError(`--today must be a day like 2026-01-31, got "${values.today}"`);
      const today = values.today === undefined ? {} : { today: values.today };
      return metricsCommand(
        env,
        values.rebuild ? { rebuild: true, ...today } : { rebuild: false, customers, ...today },
      );
    }
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: { dev: { type: 'boolean', default: false } },
        strict: true,
      });
      return (await import('./commands/start.ts')).startCommand(env, { dev: values.dev ?? false });
    }
    case 'user': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          role: { type: 'string' },
          name: { type: 'string' },
          password: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.join(' ') !== 'create')
        throw new UsageError('usage: medpro user create --email E --role R');
      return userCreateCommand(env, values);
    }
    case 'token': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          role: { type: 'string' },
          name: { type: 'string' },
          'expires-in-days': { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.join(' ') !== 'create')
        throw new UsageError('usage: medpro token create --role R --name N');
      return tokenCreateCommand(env, { ...values, expiresInDays: values['expires-in-days'] });
    }
    default:
      throw new UsageError(`unknown command "${command}" (run \`medpro help\`)`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError ||
    error instanceof AccountArgsError ||
    error instanceof AppError ||
    error instanceof EnvError ||
    (error instanceof Error && KNOWN_ERROR_NAMES.has(error.name))
      ? (error as Error).message
      : (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
        ? (error as Error).message
        : describeConnectionError(error, safeConfig());
  if (known) {
    console.error(`medpro: ${known}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});

function safeConfig() {
  try {
    return parseDatabaseUrl(readEnv().DATABASE_URL);
  } catch {
    return undefined;
  }
}
