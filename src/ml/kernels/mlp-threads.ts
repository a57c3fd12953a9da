/**
 * How many threads a kernel may use: MIZAN_KERNEL_THREADS (1 or 2, the variable the LSTM kernel
 * reads too; the local runner sets it from the jobs running), else 2 on a machine with two cores or
 * more. (The agents' learners are one thread each; an agent run reads it to train two seeds at once:
 * src/models/agents/seed-pool.ts.)
 */
import { availableParallelism } from 'node:os';

export function kernelThreads(): 1 | 2 {
  const asked = process.env.MIZAN_KERNEL_THREADS;
  if (asked !== undefined && asked !== '') {
    if (asked !== '1' && asked !== '2') throw new Error(`MIZAN_KERNEL_THREADS must be 1 or 2, got ${asked}`);
    return asked === '1' ? 1 : 2;
  }
  return availableParallelism() >= 2 ? 2 : 1;
}
