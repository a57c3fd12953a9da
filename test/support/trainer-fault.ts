/**
 * Test-only trainer faults: the environment that makes the local runner spawn
 * test/support/faulty-trainer-entrypoint.ts (which injects the fault, then runs the real trainer).
 */
import { fileURLToPath } from 'node:url';

export type TrainerFault = 'crash' | 'crash-snapshot' | 'crash-snapshot-then-hang' | 'crash-walk-forward' | 'hang';

export const FAULTY_TRAINER_ENTRY = fileURLToPath(new URL('./faulty-trainer-entrypoint.ts', import.meta.url));

/** For `trainerEnv` of the runner or server, or the environment of a CLI/server child process. */
export function trainerFault(fault: TrainerFault): Record<string, string> {
  return { MIZAN_TRAINER_ENTRY: FAULTY_TRAINER_ENTRY, MIZAN_TRAINER_FAULT: fault };
}
