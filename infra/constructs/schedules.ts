/**
 * Weekly runs, as EventBridge rules: one rule per schedule of infra/config/schedule-definitions.ts (which
 * the local scheduler reads too). A rule invokes the API Lambda with the HTTP API event of the route a
 * person would call, rather than starting the state machine: the API computes the version from the
 * data and claims it, so a week without new data answers "already trained" and starts nothing, and a
 * redelivered event lands on the same claim (one version, one run). Starting the state machine
 * directly would bypass both.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { scheduledRequest, type ScheduleDefinition } from '../config/schedule-definitions.ts';

export { scheduledRequest } from '../config/schedule-definitions.ts';

export interface TrainingSchedulesProps {
  apiHandler: lambda.IFunction;
  schedules: ScheduleDefinition[];
}

export class TrainingSchedules extends Construct {
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: TrainingSchedulesProps) {
    super(scope, id);
    for (const schedule of props.schedules) {
      const rule = new events.Rule(this, schedule.id, { description: schedule.description, schedule: events.Schedule.expression(schedule.expression) });
      for (const call of schedule.calls) rule.addTarget(this.target(props.apiHandler, call.path, call.body));
      this.rules.push(rule);
    }
  }

  private target(fn: lambda.IFunction, path: string, body: unknown): targets.LambdaFunction {
    return new targets.LambdaFunction(fn, {
      event: events.RuleTargetInput.fromObject(scheduledRequest(path, body)),
      retryAttempts: 3,
      maxEventAge: Duration.hours(2),
    });
  }
}
