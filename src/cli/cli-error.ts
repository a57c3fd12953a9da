/** Bad usage: exit code 2, a one-line message, and nothing written. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** Exit codes: 0 success, 1 a failed run, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
