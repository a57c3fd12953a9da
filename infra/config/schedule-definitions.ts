/**
 * The weekly schedules, defined once: the EventBridge rules (constructs/schedules.ts) and the local
 * scheduler (`mizan serve --schedules`, infra/local/local-scheduler.ts) both read them. Each is a
 * cron expression and the API requests it makes, as the route a person would call: the API computes
 * the version from the data and claims it, so a week without new data starts nothing. No CDK here.
 */
import type { MizanConfig } from './config.ts';

export interface ScheduledCall {
  /** The route, e.g. `/train/lstm`; the request is a POST with `body` as JSON. */
  path: string;
  body: Record<string, unknown>;
}

export interface ScheduleDefinition {
  /** The rule's construct id (stable: renaming it would replace the deployed rule). */
  id: 'WeeklyForecasters' | 'WeeklyFinetunes';
  description: string;
  /** EventBridge syntax, UTC: `cron(min hour day-of-month month day-of-week year)` or `rate(…)`. */
  expression: string;
  calls: ScheduledCall[];
}

export type ScheduleConfig = Pick<MizanConfig, 'forecasterSchedule' | 'forecasterKinds' | 'finetuneSchedule' | 'finetuneKinds'>;

export function trainingSchedules(config: ScheduleConfig): ScheduleDefinition[] {
  return [
    {
      id: 'WeeklyForecasters',
      description: `mizan: weekly retrain of ${config.forecasterKinds.join(', ')}`,
      expression: config.forecasterSchedule,
      calls: config.forecasterKinds.map((kind) => ({ path: `/train/${kind}`, body: { skip_snapshot: false } })),
    },
    {
      id: 'WeeklyFinetunes',
      description: `mizan: weekly fine-tune of ${config.finetuneKinds.join(', ')}`,
      expression: config.finetuneSchedule,
      calls: config.finetuneKinds.map((kind) => ({ path: `/train/${kind}/finetune`, body: {} })),
    },
  ];
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
