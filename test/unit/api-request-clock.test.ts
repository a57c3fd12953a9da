import { describe, expect, it } from 'vitest';
import { requestClock, WAIT_MARGIN_MS } from '../../functions/api/request-clock.ts';
import { localLambdaContext, NO_TIME_LIMIT_MS } from '../../functions/shared/lambda-context.ts';

describe('requestClock: how long a ?wait= request may wait', () => {
  it("stops WAIT_MARGIN_MS before the Lambda context's end, counted from the request's start", () => {
    expect(requestClock({ getRemainingTimeInMillis: () => 29_000 }, 1_000)).toEqual({ startedAt: 1_000, waitLimit: 1_000 + 29_000 - WAIT_MARGIN_MS });
  });

  it('sets no limit without a context, and none worth the name for the local server (~24.8 days, a timer middy can set)', () => {
    expect(requestClock(undefined, 1_000).waitLimit).toBe(Number.POSITIVE_INFINITY);
    expect(requestClock({}, 1_000).waitLimit).toBe(Number.POSITIVE_INFINITY);
    const local = requestClock(localLambdaContext('mizan-api', NO_TIME_LIMIT_MS), 1_000);
    expect(local.waitLimit - local.startedAt).toBeGreaterThan(24 * 24 * 3600 * 1000);
  });
});
