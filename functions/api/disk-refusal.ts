/**
 * How the API answers a write the disk refused (locally: the data dir full, read-only or failing):
 * 507 Insufficient Storage naming the directory when it is full, 503 with the cause otherwise.
 * Never a bare 500: the operator can act on it.
 */
import { describeWriteFailure, noSpaceUnder } from '../../src/adapters/local/write-failure.ts';

export interface DiskRefusal {
  status: 507 | 503;
  /** The body's `error`. */
  error: string;
  /** The log line. */
  line: string;
}

export function diskRefusal(error: unknown): DiskRefusal | undefined {
  const line = describeWriteFailure(error);
  if (line === undefined) return undefined;
  const full = noSpaceUnder(error);
  return full !== undefined ? { status: 507, error: `no space left on device under ${full}`, line } : { status: 503, error: line, line };
}
