/**
 * Weekly runs. A schedule invokes the API Lambda with the HTTP API event of the route a person would
 * call, rather than starting the state machine: the API computes the version from the data and claims
 * it, so a week without new data answers "already trained" and starts nothing, and a redelivered event
 * lands on the same claim (one version, one run). Starting the state machine directly would bypass both.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { AgentKind, ForecasterKind } from '../../src/config/model-kinds.ts';

export interface TrainingSchedulesProps {
  apiHandler: lambda.IFunction;
  forecasterSchedule: string;
  forecasterKinds: ForecasterKind[];
  finetuneSchedule: string;
  finetuneKinds: AgentKind[];
}

/** The API Gateway HTTP API (payload 2.0) event for `POST path` with a JSON body, as the API handler receives it. */
export function scheduledRequest(path: string, body: unknown): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'mizan-schedule' },
    requestContext: { http: { method: 'POST', path, sourceIp: '127.0.0.1', userAgent: 'mizan-schedule' }, routeKey: `POST ${path}`, stage: '$default' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

export class TrainingSchedules extends Construct {
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: TrainingSchedulesProps) {
    super(scope, id);
    const forecasters = new events.Rule(this, 'WeeklyForecasters', {
      description: `mizan: weekly retrain of ${props.forecasterKinds.join(', ')}`,
      schedule: events.Schedule.expression(props.forecasterSchedule),
    });
    for (const kind of props.forecasterKinds) {
      forecasters.addTarget(this.target(props.apiHandler, `/train/${kind}`, { skip_snapshot: false }));
    }
    const finetunes = new events.Rule(this, 'WeeklyFinetunes', {
      description: `mizan: weekly fine-tune of ${props.finetuneKinds.join(', ')}`,
      schedule: events.Schedule.expression(props.finetuneSchedule),
    });
    for (const kind of props.finetuneKinds) {
      finetunes.addTarget(this.target(props.apiHandler, `/train/${kind}/finetune`, {}));
    }
    this.rules.push(forecasters, finetunes);
  }

  private target(fn: lambda.IFunction, path: string, body: unknown): targets.LambdaFunction {
    return new targets.LambdaFunction(fn, {
      event: events.RuleTargetInput.fromObject(scheduledRequest(path, body)),
      retryAttempts: 3,
      maxEventAge: Duration.hours(2),
    });
  }
}
