/**
 * Test-only: takes the lock at argv[2] and, holding it, ends as argv[3] says:
 *   reject  an unhandled rejection (Node ends the process)
 *   wait    never lets go (the test sends a signal, or SIGKILL)
 * It prints `held` once it holds the lock.
 */
import { withFileLock } from '../../src/adapters/local/file-lock.ts';

const [lock, mode] = process.argv.slice(2);
await withFileLock(lock, async () => {
  process.stdout.write('held\n');
  if (mode === 'reject') void Promise.reject(new Error('an unhandled rejection while holding the lock'));
  await new Promise(() => setInterval(() => undefined, 60_000));
});
