/** The in-process controller of test/support/fail-writes.mjs (a plain ES module, also a --import preload), typed. */
// @ts-expect-error: a plain ES module without types
import { writeFaults } from './fail-writes.mjs';

export type FaultCode = 'ENOSPC' | 'EIO';

/** One write the shim counted: its kind (data, entry, change), the call, the path under the armed dir. */
export interface CountedWrite {
  kind: string;
  call: string;
  path: string;
  failed: boolean;
}

export interface WriteFaults {
  /** From now on, count the writes under `under` and fail them as `code` says (see fail-writes.mjs). */
  arm(plan: { under: string; code: FaultCode; at: number }): void;
  disarm(): void;
  writes: CountedWrite[];
  dataWrites: number;
  allWrites: number;
}

export const faults = writeFaults as WriteFaults;
