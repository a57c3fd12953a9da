import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isIsoDate } from '../data/dates.ts';
import { CliUsageError } from './cli-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: an unknown flag or a missing value is a usage error naming the valid flags. */
export function parseFlags<O extends Options>(_command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    const valid = Object.keys(options).map((o) => `--${o}`).join(', ');
    const message = (err as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    throw new CliUsageError(`${unknown ? `unknown flag ${unknown[1]}` : message.split('\n')[0]} (valid flags: ${valid})`);
  }
}

export function oneOf<T extends string>(what: string, value: string | undefined, choices: readonly T[], fallback?: T): T {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new CliUsageError(`missing ${what}: choose one of ${choices.join(', ')}`);
  }
  if (!(choices as readonly string[]).includes(value)) throw new CliUsageError(`unknown ${what} "${value}": choose one of ${choices.join(', ')}`);
  return value as T;
}

export function isoDate(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isIsoDate(value)) {
    throw new CliUsageError(`${flag} "${value}" is not a date: use YYYY-MM-DD`);
  }
  return value;
}

export function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliUsageError(`--port "${value}" is not a port number (0-65535)`);
  return n;
}
