/**
 * The EventBridge event Step Functions emits when an execution's status changes (source `aws.states`,
 * detail-type "Step Functions Execution Status Change"), for the statuses the rule forwards. Dates are
 * epoch milliseconds; `input` is the execution input as a JSON string, or null when it was left out
 * (input and output over 248 KB: `inputDetails.included` is false); error and cause may be null.
 */
import { z } from 'zod';
import type { EndedExecution } from '../../src/pipeline/ended-run.ts';

export const ENDED_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

const detailSchema = z.looseObject({
  executionArn: z.string().startsWith('arn:'),
  stateMachineArn: z.string().startsWith('arn:'),
  name: z.string().min(1),
  status: z.enum(ENDED_STATUSES),
  startDate: z.number().nullish(), // unused: a missing one is no reason to leave the claim RUNNING
  stopDate: z.number().nullish(),
  input: z.string().nullish(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});

export const executionEndedEventSchema = z.looseObject({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: detailSchema,
});

export type ExecutionEndedDetail = z.infer<typeof detailSchema>;

export function parseExecutionEndedEvent(event: unknown): ExecutionEndedDetail {
  return executionEndedEventSchema.parse(event).detail;
}

/** The event's execution as the registry knows it: by name (the claim's executionId). */
export function endedExecutionOf(detail: ExecutionEndedDetail): EndedExecution {
  return {
    executionId: detail.name,
    status: detail.status,
    ...(typeof detail.stopDate === 'number' ? { stoppedAt: new Date(detail.stopDate).toISOString() } : {}),
    ...(detail.error ? { error: detail.error } : {}),
    ...(detail.cause ? { cause: detail.cause } : {}),
  };
}
