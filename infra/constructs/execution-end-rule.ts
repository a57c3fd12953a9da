/**
 * Records the runs that end without "Record result" or "Record failure" recording them: an EventBridge
 * rule on TrainModel's executions that end ABORTED (StopExecution), TIMED_OUT (the state machine's
 * timeout) or FAILED (Record failure failed; usually it did record, and the handler does nothing), calling
 * functions/execution-ended. Without it their claims stay RUNNING until a request for the same version
 * notices the ended execution (src/pipeline/stale-claim.ts).
 *
 * Delivery: EventBridge invokes the function asynchronously. It retries a failed delivery (throttling,
 * Lambda unavailable) for up to 24 h; the function's own errors get Lambda's async retries (2). What
 * still fails lands in one SQS dead-letter queue, kept 14 days, for an operator to read. Losing an event
 * is not fatal: the claim is then freed by the next request for its version.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The Step Functions execution statuses (as in DescribeExecution and the event's `detail.status`) of a run that may be unrecorded. */
export const UNRECORDED_END_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

export interface ExecutionEndRuleProps {
  stateMachine: sfn.IStateMachine;
  /** functions/execution-ended. */
  handler: lambda.IFunction;
}

export class ExecutionEndRule extends Construct {
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ExecutionEndRuleProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    // Acknowledged here, with the queue it concerns: cdk-nag counts only queues' redrive policies as DLQ use.
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the execution-end rule target and of its function\'s async invocations (EventBridge and Lambda destinations, which cdk-nag does not see).',
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: 'mizan: record TrainModel runs that ended ABORTED, TIMED_OUT or FAILED without recording their version',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: [...UNRECORDED_END_STATUSES], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.handler, {
        retryAttempts: 185, // EventBridge's maximum: within maxEventAge, a delivery is retried with backoff
        maxEventAge: Duration.hours(24),
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
    props.handler.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
  }
}
