import { parseArgs } from 'node:util';
import { describeConnectionError, parseDatabaseUrl } from '@medpro/db';
import { migrateCommand } from './commands/migrate.ts';
import { StartError, startCommand } from './commands/start.ts';
import { workerCommand } from './commands/worker.ts';
import { EnvError, readEnv } from './env.ts';

const USAGE = `Usage: medpro <command> [options]

Commands:
  start [--dev]   start the whole product (admin app, worker) on the configured database
  migrate         create or upgrade the database schema (adopts an existing medpro_admin database)
  worker          run the background worker (sync, events, metrics schedules)

Environment: DATABASE_URL (default sqlite:./data/medpro.sqlite), PORT (default 3000), LOG_LEVEL.`;

/** Errors a user can fix: printed as one line, no stack. */
class UsageError extends Error {}

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
      return workerCommand(env);
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: { dev: { type: 'boolean', default: false } },
        strict: true,
      });
      return startCommand(env, { dev: values.dev ?? false });
    }
    default:
      throw new UsageError(`unknown command "${command}" (run \`medpro help\`)`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError || error instanceof EnvError || error instanceof StartError
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
