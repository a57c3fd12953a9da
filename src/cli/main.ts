import { UserInputError } from '../pipeline/errors.ts';
import { CliUsageError, EXIT } from './cli-error.ts';
import type { Io } from './commands/common.ts';
import { forecastsCommand, FORECASTS_USAGE } from './commands/forecasts.ts';
import { modelsCommand } from './commands/models.ts';
import { serveCommand, SERVE_USAGE } from './commands/serve.ts';
import { trainCommand, TRAIN_USAGE } from './commands/train.ts';
import { universeCommand, UNIVERSE_USAGE } from './commands/universe.ts';

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  train: trainCommand,
  models: modelsCommand,
  universe: universeCommand,
  forecasts: forecastsCommand,
  serve: serveCommand,
};

export const USAGE = `mizan: trains, versions and promotes the models of a halal-universe trading system

  ${TRAIN_USAGE.replace(/\n/g, '\n  ')}
  mizan models KIND [--data-dir DIR]
  ${UNIVERSE_USAGE}
  ${FORECASTS_USAGE}
  ${SERVE_USAGE}

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
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`mizan: unknown command "${command}": choose one of ${Object.keys(COMMANDS).join(', ')}, help`);
    return EXIT.usage;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    if (err instanceof CliUsageError || err instanceof UserInputError) {
      io.stderr(`mizan ${command}: ${err.message}`);
      return EXIT.usage;
    }
    io.stderr(`mizan ${command} failed: ${(err as Error).name}: ${(err as Error).message}`);
    if (io.env.MIZAN_DEBUG) io.stderr(String((err as Error).stack));
    return EXIT.failed;
  }
}
