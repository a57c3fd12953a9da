/**
 * How many threads the agents' kernel learners use: MIZAN_KERNEL_THREADS (1 or 2, the variable the
 * LSTM kernel reads too), else 2 on a machine with two cores or more, unless the work handed to the
 * second thread per hand-off is too small to pay for the hand-off (tiny test networks).
 */
import { availableParallelism } from 'node:os';

/** Multiply-adds of one forward pass of the half a worker would run, below which one thread is faster. */
const MIN_SPLIT_MACS = 100_000;

export function kernelThreads(halfForwardMacs = Number.POSITIVE_INFINITY): 1 | 2 {
  const asked = process.env.MIZAN_KERNEL_THREADS;
  if (asked !== undefined && asked !== '') {
    if (asked !== '1' && asked !== '2') throw new Error(`MIZAN_KERNEL_THREADS must be 1 or 2, got ${asked}`);
    return asked === '1' ? 1 : 2;
  }
  return availableParallelism() >= 2 && halfForwardMacs >= MIN_SPLIT_MACS ? 2 : 1;
}

/** Multiply-adds of a dense network's forward pass over `batch` rows. */
export function forwardMacs(sizes: readonly number[], batch: number): number {
  let macs = 0;
  for (let i = 0; i + 1 < sizes.length; i++) macs += sizes[i] * sizes[i + 1];
  return batch * macs;
}
