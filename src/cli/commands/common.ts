import { resolve } from 'node:path';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../../config/profiles.ts';
import { oneOf } from '../args.ts';
import { CliUsageError } from '../cli-error.ts';
import type { SystemOptions } from '../local-system.ts';

/** Where a command writes: injectable so tests can capture output. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const commonOptions = {
  'data-dir': { type: 'string' },
  profile: { type: 'string' },
  source: { type: 'string' },
} as const;

export function readCommonOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): SystemOptions {
  const profile = (values.profile as string | undefined) ?? env.MIZAN_PROFILE ?? 'local';
  if (!isProfileName(profile)) throw new CliUsageError(`unknown profile "${profile}": choose one of ${PROFILE_NAMES.join(', ')}`);
  const dataDir = (values['data-dir'] as string | undefined) ?? env.MIZAN_DATA_DIR ?? './data';
  if (dataDir.trim() === '') throw new CliUsageError('--data-dir must not be empty');
  return {
    dataDir: resolve(dataDir),
    profile: profile as ProfileName,
    source: oneOf('source', values.source as string | undefined, ['sample', 'yahoo'] as const, 'sample'),
  };
}
