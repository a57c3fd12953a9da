import type { Context } from 'aws-lambda';

/**
 * "No time limit" as a remaining time: the longest a Node timer can be set for (~24.8 days). Not
 * Infinity: middy sets a timer from the remaining time, and a longer one fires at once.
 */
export const NO_TIME_LIMIT_MS = 2 ** 31 - 1;

/** The Lambda context for a handler called in-process by the local runner (15 min left unless told). */
export function localLambdaContext(functionName: string, remainingMs = 900_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${Date.now().toString(36)}`,
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
