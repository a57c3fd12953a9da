/**
 * `mizan serve --schedules` as it runs: the local scheduler on the deployed schedule definitions,
 * firing into a real local server's API handler (smoke profile, a trainer that crashes at once). A
 * fire starts the runs the EventBridge rule would (one per forecaster) and each shows in Runs, on the
 * dashboard's page as in its data; the agents' fine-tunes, with no agent trained yet, are refused
 * as the API refuses them (400) and start nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredSchedules } from '../../infra/local/configured-schedules.ts';
import { LocalScheduler } from '../../infra/local/local-scheduler.ts';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { readRuns } from '../../src/dashboard/read-runs.ts';
import { localDashboardSource } from '../../src/runtime/local-dashboard-source.ts';
import { trainerFault } from '../support/trainer-fault.ts';
import { call } from './support.ts';

describe('mizan serve --schedules', () => {
  let dataDir: string;
  let server: LocalServer | undefined;
  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('fires the weekly runs through the API handler at the scheduled time, and each fired run is in Runs', async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-serve-schedules-'));
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('crash'), log: () => undefined });
    let now = new Date('2026-01-03T12:00:00Z');
    const scheduler = new LocalScheduler({ schedules: configuredSchedules(), store: new DirArtifactStore(dataDir), invoke: server.invoke, clock: () => now });
    await scheduler.tick();

    // Act: Sunday 04:00 UTC, then 16:00
    now = new Date('2026-01-04T04:00:00Z');
    const [forecasters] = await scheduler.tick();
    now = new Date('2026-01-04T16:00:00Z');
    const [finetunes] = await scheduler.tick();

    // Assess: two runs started, by the same answer a person's POST gets
    expect(forecasters.calls.map((c) => [c.path, c.status])).toEqual([
      ['/train/lstm', 202],
      ['/train/patchtst', 202],
    ]);
    const started = forecasters.calls.map((c) => (c.body as { execution_id: string }).execution_id);
    const runs = await readRuns(localDashboardSource(dataDir));
    expect(runs.map((r) => `${r.kind} ${r.record.executionId}`).sort()).toEqual([`lstm ${started[0]}`, `patchtst ${started[1]}`]);
    const page = await call(server.url, 'GET', '/ui/runs.html');
    for (const id of started) expect(page.text).toContain(id);
    expect(finetunes.calls.map((c) => c.status)).toEqual([400, 400, 400, 400]);
    expect(JSON.stringify(finetunes.calls[0].body)).toMatch(/no trained model to fine-tune yet/);
  }, 120_000);
});
