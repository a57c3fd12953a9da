/**
 * The `TrainModel` state machine on Step Functions, from the definition the local runner also runs
 * (infra/state-machine), with CloudWatch logging, X-Ray and alarms on failed, timed-out and throttled executions.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildTrainModelDefinition, type TrainModelRefs } from '../state-machine/train-model-definition.ts';

export interface TrainWorkflowProps {
  refs: TrainModelRefs;
  stateMachineName: string;
  logRetentionDays: number;
}

export class TrainWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: TrainWorkflowProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps the log group's resource policy small as state machines are added.
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(buildTrainModelDefinition(this, props.refs)),
      // Longer than any path through the definition (Batch tasks are capped at 24 h each), so a stuck run ends.
      timeout: Duration.hours(72),
      tracingEnabled: true,
      // Execution data on: states carry plans, metrics and S3 keys, never credentials (the HF token stays in
      // Secrets Manager and is read by the publish function), and the data is what makes a failure diagnosable.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    // The `.sync` Batch integration polls its jobs and, when a state is stopped (the Map's other years after one
    // fails, an aborted or timed-out execution), terminates them: without these two actions those GPU jobs keep
    // running and billing. CDK's BatchSubmitJob grants only SubmitJob and the events rule.
    // https://docs.aws.amazon.com/step-functions/latest/dg/batch-iam.html
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] })); // no resource-level permissions
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['batch:TerminateJob'],
        resources: [Stack.of(this).formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
      }),
    );

    const alarm = (name: string, metric: cloudwatch.Metric, what: string): cloudwatch.Alarm =>
      metric.with({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(this, name, {
        alarmDescription: `mizan ${props.stateMachineName}: ${what}`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      alarm('ExecutionsFailed', this.stateMachine.metricFailed(), 'a training run failed'),
      alarm('ExecutionsTimedOut', this.stateMachine.metricTimedOut(), 'a training run timed out'),
      alarm('ExecutionThrottled', this.stateMachine.metricThrottled(), 'Step Functions throttled a training run'),
    ];
  }
}
