import { describeWriteFailure } from '../adapters/local/write-failure.ts';
import { UserInputError } from '../config/errors.ts';
import { CliUsageError, EXIT } from './cli-error.ts';
import type { Io } from './commands/common.ts';
import { PULL_USAGE } from './usage.ts';
import { DASHBOARD_USAGE, GC_USAGE } from './usage.ts';
import { ALLOCATE_USAGE, FORECASTS_USAGE, SERVE_USAGE, TRAIN_USAGE, UNIVERSE_USAGE } from './usage.ts';
import { MODELS_USAGE, PROMOTE_USAGE, PUBLISH_USAGE, ROLLBACK_USAGE } from './usage.ts';

type Command = (argv: string[], io: Io) => Promise<number>;

/** Each command is loaded when called: `mizan help` or a usage error does not load tfjs, CDK or the server. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./commands/train.ts')).trainCommand,
  models: async () => (await import('./commands/models.ts')).modelsCommand,
  universe: async () => (await import('./commands/universe.ts')).universeCommand,
  forecasts: async () => (await import('./commands/forecasts.ts')).forecastsCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  pull: async () => (await import('./commands/pull.ts')).pullCommand,
  dashboard: async () => (await import('./commands/dashboard.ts')).dashboardCommand,
  allocate: async () => (await import('./commands/allocate.ts')).allocateCommand,
  promote: async () => (await import('./commands/promote.ts')).promoteCommand,
  rollback: async () => (await import('./commands/rollback.ts')).rollbackCommand,
  publish: async () => (await import('./commands/publish.ts')).publishCommand,
  gc: async () => (await import('./commands/gc.ts')).gcCommand,
};

export const USAGE = `mizan: trains, versions and promotes the models of a halal-universe trading system

  ${TRAIN_USAGE.replace(/\n/g, '\n  ')}
  ${MODELS_USAGE}
  ${PROMOTE_USAGE}
  ${ROLLBACK_USAGE}
  ${PUBLISH_USAGE}
  ${UNIVERSE_USAGE}
  ${FORECASTS_USAGE}
  ${ALLOCATE_USAGE}
  ${SERVE_USAGE}
  ${PULL_USAGE}
  ${DASHBOARD_USAGE}
  ${GC_USAGE}

Data dir: ./data unless --data-dir or MIZAN_DATA_DIR. Profile: local unless --profile or MIZAN_PROFILE.
Exit codes: 0 success, 1 a failed run, 2 bad usage or bad input.`;

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text + '\n'),
  stderr: (text) => process.stderr.write(text + '\n'),
  env: process.env,
};

/** Runs one CLI command and returns its exit code; never throws. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.stderr(`mizan: unknown command "${command}": choose one of ${Object.keys(COMMANDS).join(', ')}, help`);
    return EXIT.usage;
  }
  try {
    return await (await load())(rest, io);
  } catch (err) {
    if (err instanceof CliUsageError || err instanceof UserInputError) {
      io.stderr(`mizan ${command}: ${err.message}`);
      return EXIT.usage;
    }
    io.stderr(failureLine(command, err, dataDirArgument(rest, io.env)));
    if (io.env.MIZAN_DEBUG) io.stderr(String((err as Error).stack));
    return EXIT.failed;
  }
}

/** A failed command in one line; a full or read-only data dir is the person's to fix: named, no stack trace. */
export function failureLine(command: string, err: unknown, dataDir: string): string {
  const refusedWrite = describeWriteFailure(err, dataDir);
  return refusedWrite ? `mizan: ${refusedWrite}` : `mizan ${command} failed: ${(err as Error).name}: ${(err as Error).message}`;
}

/** The data dir the command was given (as readCommonOptions reads it), to name it in an error. */
function dataDirArgument(argv: string[], env: NodeJS.ProcessEnv): string {
  const at = argv.indexOf('--data-dir');
  const inline = argv.find((arg) => arg.startsWith('--data-dir='));
  return inline?.slice('--data-dir='.length) ?? (at >= 0 ? argv[at + 1] : undefined) ?? env.MIZAN_DATA_DIR ?? './data';
}
