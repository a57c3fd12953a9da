/**
 * The execution-end rule on its own, in a small stack (a one-state machine and an inline function stand
 * in for TrainModel and functions/execution-ended): which events reach the function, and where the
 * events that cannot be delivered or handled go.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionEndRule } from '../../infra/constructs/execution-end-rule.ts';

let app: App;
let stack: Stack;
let template: Template;
let ids: { machine: string; fn: string; rule: string; queue: string };

beforeAll(() => {
  app = new App();
  stack = new Stack(app, 'Probe');
  const machine = new sfn.StateMachine(stack, 'TrainModel', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });
  const fn = new lambda.Function(stack, 'ExecutionEnded', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => undefined;'),
  });
  const construct = new ExecutionEndRule(stack, 'ExecutionEnd', { stateMachine: machine, handler: fn });
  template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
  ids = { machine: id(machine), fn: id(fn), rule: id(construct.rule), queue: id(construct.deadLetterQueue) };
});

describe('the execution-end rule', () => {
  it('matches the ABORTED, TIMED_OUT and FAILED executions of the one state machine', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [{ Ref: ids.machine }] },
      },
      State: 'ENABLED',
    });
  });

  it('invokes the function with the whole event, retries delivery for a day, then dead-letters it', () => {
    const rule = template.findResources('AWS::Events::Rule')[ids.rule] as { Properties: { Targets: Record<string, unknown>[] } };
    expect(rule.Properties.Targets).toEqual([
      {
        Id: expect.any(String),
        Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [ids.fn, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [ids.rule, 'Arn'] },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.rule, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it("sends what the function still fails after Lambda's two async retries to the same queue, kept 14 days", () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.fn },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.queue, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
  });

  it('adds no unacknowledged cdk-nag finding of its own', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const ours = report.violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith('Probe/ExecutionEnd/')));
    expect(ours.map((v) => v.ruleName)).toEqual([]);
  });
});
