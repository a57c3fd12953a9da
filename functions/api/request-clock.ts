/** How long a `?wait=` request may wait: counted from the request's start, bounded by the Lambda's own end. */
import type { Context } from 'aws-lambda';

/**
 * A waiting request stops this long before the function's end and answers 202: room for a registry
 * read still in flight and the answer's way out, so that the client gets the 202 rather than the
 * error of a function killed at its timeout (29 s; middy's own timer fires 5 ms before it).
 */
export const WAIT_MARGIN_MS = 3_000;

/** When a request began and the latest time it may still be waiting (epoch ms). */
export interface RequestClock {
  startedAt: number;
  waitLimit: number;
}

/** From the Lambda context: its remaining time less the margin. A caller without one (tests) sets no limit. */
export function requestClock(context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined, now = Date.now()): RequestClock {
  const remaining = context?.getRemainingTimeInMillis?.();
  return { startedAt: now, waitLimit: remaining === undefined ? Number.POSITIVE_INFINITY : now + remaining - WAIT_MARGIN_MS };
}
