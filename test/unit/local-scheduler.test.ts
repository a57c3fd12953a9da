/**
 * The local scheduler with a fake clock and a recording API: it fires each schedule's calls at the
 * scheduled time and not before, keeps its last fire in the data dir (a restarted scheduler goes on
 * from it), and after three weeks of downtime fires once, not three times.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalScheduler, SCHEDULE_STATE_KEY } from '../../infra/local/local-scheduler.ts';
import { configuredSchedules } from '../../infra/local/configured-schedules.ts';
import { json } from '../../functions/api/http.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { getJson } from '../../src/ports/artifact-store.ts';

describe('the local scheduler (fake clock)', () => {
  let dataDir: string;
  let now: Date;
  let calls: { at: string; route: string; body: unknown }[];
  const at = (iso: string) => (now = new Date(iso));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-schedules-'));
    calls = [];
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  /** A scheduler on the deployed definitions (cdk.json + infra/config/config.ts), as `mizan serve --schedules` makes it. */
  const scheduler = () =>
    new LocalScheduler({
      schedules: configuredSchedules(),
      store: new DirArtifactStore(dataDir),
      clock: () => now,
      invoke: async (event: APIGatewayProxyEventV2) => {
        calls.push({ at: now.toISOString(), route: `${event.requestContext.http.method} ${event.rawPath}`, body: JSON.parse(event.body ?? '{}') });
        return json(202, { version: 'v2026.01.02-abcdef123456', status: 'RUNNING' });
      },
    });

  it('fires the forecasters on Sunday 04:00 UTC and the fine-tunes at 16:00, each once, with the rules\' own calls', async () => {
    // Prepare: first seen on a Saturday
    const s = scheduler();
    at('2026-01-03T12:00:00Z');
    expect(await s.tick()).toEqual([]);

    // Act + Assess: not before the time, at it, not again after
    at('2026-01-04T03:59:00Z');
    expect(await s.tick()).toEqual([]);
    at('2026-01-04T04:00:30Z');
    const [fire] = await s.tick();
    expect(fire).toMatchObject({ schedule: 'WeeklyForecasters', scheduledFor: '2026-01-04T04:00:00.000Z', missed: 1 });
    expect(calls.map((c) => c.route)).toEqual(['POST /train/lstm', 'POST /train/patchtst']);
    expect(calls[0].body).toEqual({ skip_snapshot: false });
    expect(fire.calls.map((c) => c.status)).toEqual([202, 202]);
    at('2026-01-04T04:01:00Z');
    expect(await s.tick()).toEqual([]);
    at('2026-01-04T16:00:00Z');
    expect((await s.tick()).map((f) => f.schedule)).toEqual(['WeeklyFinetunes']);
    expect(calls.slice(2).map((c) => c.route)).toEqual(['POST /train/ppo_lstm/finetune', 'POST /train/ppo_patchtst/finetune', 'POST /train/sac_lstm/finetune', 'POST /train/sac_patchtst/finetune']);
  });

  it('after three weeks down, fires each schedule once, then keeps the weekly rhythm; the last fire survives a restart', async () => {
    // Prepare: one on-time fire, then the machine is off for three weeks (three Sundays missed)
    at('2026-01-03T12:00:00Z');
    await scheduler().tick();
    at('2026-01-04T04:00:00Z');
    await scheduler().tick();
    at('2026-01-04T16:00:00Z');
    await scheduler().tick();
    calls = [];

    // Act: a new scheduler (a restarted `mizan serve --schedules`) on the Wednesday after the third missed Sunday
    at('2026-01-28T09:00:00Z');
    const restarted = scheduler();
    const fires = await restarted.tick();

    // Assess
    expect(fires.map((f) => [f.schedule, f.scheduledFor, f.missed])).toEqual([
      ['WeeklyForecasters', '2026-01-11T04:00:00.000Z', 3],
      ['WeeklyFinetunes', '2026-01-11T16:00:00.000Z', 3],
    ]);
    expect(calls).toHaveLength(2 + 4); // once per call, not three times
    expect(await restarted.tick()).toEqual([]);
    at('2026-01-31T23:59:00Z');
    expect(await scheduler().tick()).toEqual([]);
    at('2026-02-01T04:00:00Z');
    expect((await scheduler().tick()).map((f) => [f.schedule, f.missed])).toEqual([['WeeklyForecasters', 1]]);
    const state = await getJson<Record<string, { lastFiredAt: string; last: { calls: unknown[] } }>>(new DirArtifactStore(dataDir), SCHEDULE_STATE_KEY);
    expect(state?.WeeklyForecasters.lastFiredAt).toBe('2026-02-01T04:00:00.000Z');
    expect(state?.WeeklyForecasters.last.calls).toHaveLength(2);
  });

  it('counts a changed expression from the change, and refuses a bad one at start', async () => {
    at('2026-01-03T12:00:00Z');
    await scheduler().tick();
    const monday = configuredSchedules({ forecasterSchedule: 'cron(0 3 ? * MON *)' });
    const changed = new LocalScheduler({ schedules: monday, store: new DirArtifactStore(dataDir), clock: () => now, invoke: async () => json(202, {}) });
    at('2026-01-05T03:00:00Z');
    // The forecasters' Monday expression is first seen now: no fire for a Monday before it existed.
    expect((await changed.tick()).map((f) => f.schedule)).toEqual(['WeeklyFinetunes']);
    at('2026-01-12T03:00:00Z');
    expect((await changed.tick()).map((f) => f.schedule)).toEqual(['WeeklyForecasters', 'WeeklyFinetunes']);
    expect(() => configuredSchedules({ forecasterSchedule: 'cron(0 4 L * ? *)' }).map((d) => new LocalScheduler({ schedules: [d], store: new DirArtifactStore(dataDir), invoke: async () => json(202, {}) }))).toThrow(/uses L, W or #/);
  });
});
