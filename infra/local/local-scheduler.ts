/**
 * `mizan serve --schedules`: the weekly schedules of infra/config/schedule-definitions.ts (what the
 * EventBridge rules run on AWS), fired on this machine. A fire makes each schedule's calls exactly as
 * the rule's targets do, the same API event into the same API handler, so a run it starts is planned,
 * claimed and started like any other and shows in Runs. The last fire of each schedule is kept in the
 * data dir (`schedules/local-state.json`): after a downtime, a schedule whose fires were missed fires
 * once, not once per missed week (src/schedules/missed-runs.ts). Written after the calls: a crash in
 * between fires again at the next start, which the API answers with the same claim (no second run).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiResponse } from '../../functions/api/http.ts';
import { getJson, putJson, type ArtifactStore } from '../../src/ports/artifact-store.ts';
import { parseSchedule, type Schedule } from '../../src/schedules/eventbridge-schedule.ts';
import { dueNow, type ScheduleState } from '../../src/schedules/missed-runs.ts';
import { scheduledRequest, type ScheduleDefinition } from '../config/schedule-definitions.ts';

export const SCHEDULE_STATE_KEY = 'schedules/local-state.json';

/** Longest wait between two looks at the clock: a suspended laptop wakes to a fire within a minute. */
const MAX_SLEEP_MS = 60_000;

export interface FiredCall {
  path: string;
  status: number;
  /** What the API answered (version, execution_id, error…). */
  body: unknown;
}

export interface Fire {
  schedule: string;
  scheduledFor: string;
  firedAt: string;
  missed: number;
  calls: FiredCall[];
}

interface StoredState extends ScheduleState {
  expression: string;
  last?: Fire;
}

export interface LocalSchedulerOptions {
  schedules: ScheduleDefinition[];
  store: ArtifactStore;
  /** The API handler, as the rules' targets invoke the Lambda. */
  invoke: (event: APIGatewayProxyEventV2) => Promise<ApiResponse>;
  clock?: () => Date;
  log?: (line: string) => void;
}

export class LocalScheduler {
  private readonly schedules: { definition: ScheduleDefinition; parsed: Schedule }[];
  private readonly clock: () => Date;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: LocalSchedulerOptions) {
    // A bad expression fails here, at start, naming it: not silently at the first fire.
    this.schedules = options.schedules.map((definition) => ({ definition, parsed: parseSchedule(definition.expression) }));
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
  }

  /** Fires whatever is due now (each schedule at most once) and records it; returns the fires. */
  async tick(): Promise<Fire[]> {
    const now = this.clock();
    const stored = (await getJson<Record<string, StoredState>>(this.options.store, SCHEDULE_STATE_KEY)) ?? {};
    const fires: Fire[] = [];
    let changed = false;
    for (const { definition, parsed } of this.schedules) {
      const state = stored[definition.id] ?? { since: now.toISOString(), expression: definition.expression };
      if (!stored[definition.id] || state.expression !== definition.expression) {
        // A new schedule, or a changed expression: counted from now, not from fires of another expression.
        stored[definition.id] = { ...state, since: now.toISOString(), expression: definition.expression };
        changed = true;
        continue;
      }
      const due = dueNow(parsed, state, now);
      if (!due.due) continue;
      const late = due.missed > 1 ? ` (${due.missed} fires missed while mizan was not running: fired once)` : '';
      this.log(`schedule ${definition.id}: ${definition.expression} due at ${due.scheduledFor!.toISOString()}${late}`);
      const calls: FiredCall[] = [];
      for (const call of definition.calls) calls.push(await this.call(call.path, call.body));
      const fire: Fire = { schedule: definition.id, scheduledFor: due.scheduledFor!.toISOString(), firedAt: now.toISOString(), missed: due.missed, calls };
      stored[definition.id] = { ...state, lastFiredAt: now.toISOString(), last: fire };
      changed = true;
      fires.push(fire);
    }
    if (changed) await putJson(this.options.store, SCHEDULE_STATE_KEY, stored);
    return fires;
  }

  /** Ticks now, then again at each next fire (looking at the clock at least every minute), until `stop`. */
  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick().catch((error: Error) => this.log(`schedules: ${error.message}`));
      await this.running;
      if (this.stopped) return;
      this.timer = setTimeout(() => void loop(), MAX_SLEEP_MS);
      this.timer.unref();
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async call(path: string, body: unknown): Promise<FiredCall> {
    const event = scheduledRequest(path, body) as unknown as APIGatewayProxyEventV2;
    const response = await this.options.invoke(event);
    let parsed: unknown = response.body;
    try {
      parsed = JSON.parse(response.body ?? '');
    } catch {
      // not JSON: kept as text
    }
    this.log(`schedule call POST ${path}: ${response.statusCode} ${JSON.stringify(parsed)}`);
    return { path, status: response.statusCode, body: parsed };
  }
}
