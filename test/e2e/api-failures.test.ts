/** A trainer that crashes, and a server killed mid-run: FAILED with the cause, nothing half-written visible, retries work. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../../infra/local/server.ts';
import { call, endedExecution, committedVersions, spawnServer, tempDataDir, until } from './support.ts';
import { trainerFault } from '../support/trainer-fault.ts';

describe('a run whose snapshot backfill fails', () => {
  it('fails without promoting its trained model; the retry reuses the model and backfills', async () => {
    // Prepare
    const dataDir = await tempDataDir();
    const failing = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('crash-snapshot'), log: () => undefined });
    let version: string;
    try {
      // Act
      const answer = await call(failing.url, 'POST', '/train/lstm?wait=120', '{"skip_snapshot":false}');
      // Assess: the model trained and is committed, but the run failed before Decide promotion.
      expect(answer.status).toBe(500);
      expect(String(answer.body.cause)).toContain('crash-snapshot');
      version = String(answer.body.version);
      expect(await committedVersions(dataDir, 'lstm')).toEqual([version]);
      const models = await call(failing.url, 'GET', '/models/lstm');
      expect(models.body).toMatchObject({ current: null, versions: [expect.objectContaining({ version, status: 'FAILED' })] });
      const execution = await endedExecution(failing.url, String(answer.body.status_url));
      expect((execution.body.states as { name: string }[]).map((s) => s.name)).not.toContain('Decide promotion');
    } finally {
      await failing.close();
    }

    const healthy = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
    try {
      // Act: the same request on a healthy trainer.
      const retry = await call(healthy.url, 'POST', '/train/lstm?wait=120', '{"skip_snapshot":false}');
      // Assess
      expect(retry.status, retry.text).toBe(200);
      expect(retry.body).toMatchObject({ version, promoted: true, snapshots: [{ year_end: '2020-12-31' }, { year_end: '2021-12-31' }] });
      const log = await readFile(join(dataDir, 'executions', `${version}-retry2.log`), 'utf8');
      expect(log).toContain('already trained: reusing the committed model');
    } finally {
      await healthy.close();
    }
  });
});

describe('a failing snapshot year', () => {
  it('stops its sibling years at once: their trainers are killed and the run ends FAILED', async () => {
    // Prepare: the first year crashes, the second would hang for ever.
    const dataDir = await tempDataDir();
    const server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', maxParallelJobs: 2, trainerEnv: trainerFault('crash-snapshot-then-hang'), log: () => undefined });
    try {
      // Act
      const answer = await call(server.url, 'POST', '/train/lstm?wait=120', '{"skip_snapshot":false}');
      // Assess
      expect(answer.status, answer.text).toBe(500);
      const log = await readFile(join(dataDir, 'executions', `${String(answer.body.version)}.log`), 'utf8');
      // The sibling year had started; it is killed, not left to run (or hang) on.
      expect(log).toContain('[snapshot 2021-12-31] started pid');
      expect(log).not.toContain('snapshot lstm 2021-12-31: trained');
      expect(log).toMatch(/\[snapshot 2021-12-31\] failed: trainer killed by SIGKILL/);
      expect(await committedVersions(dataDir, 'lstm')).toHaveLength(1); // the model, never promoted
      expect((await call(server.url, 'GET', '/models/lstm')).body).toMatchObject({ current: null });
    } finally {
      await server.close();
    }
  });
});

describe('a crashing trainer', () => {
  it('fails the run with its cause, leaves current and the version invisible, and the next identical POST retries', async () => {
    // Prepare
    const dataDir = await tempDataDir();
    const crashing = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('crash'), log: () => undefined });
    try {
      // Act
      const answer = await call(crashing.url, 'POST', '/train/lstm?wait=120', '{"skip_snapshot":true}');
      // Assess
      expect(answer.status).toBe(500);
      expect(answer.body).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
      expect(String(answer.body.cause)).toContain('injected fault');
      const version = String(answer.body.version);
      // The crash left a partial file, but no commit marker: the version does not exist for anyone.
      expect(await committedVersions(dataDir, 'lstm')).toEqual([]);
      const models = await call(crashing.url, 'GET', '/models/lstm');
      expect(models.body).toMatchObject({ current: null, versions: [expect.objectContaining({ version, status: 'FAILED' })] });
      const execution = await endedExecution(crashing.url, String(answer.body.status_url));
      expect(execution.body).toMatchObject({ status: 'FAILED' });
      expect((execution.body.states as { name: string }[]).map((s) => s.name)).toEqual(['Full or fine-tune?', 'Train', 'Record failure', 'Training failed']);
      // Once the run has ended, its partial dir is gone (a FAILED version without metadata.json is removed).
      await expect(stat(join(dataDir, 'models', 'lstm', version))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await crashing.close();
    }

    const healthy = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('hang'), log: () => undefined });
    try {
      const retry = await call(healthy.url, 'POST', '/train/lstm', '{"skip_snapshot":true}');
      expect(retry.status).toBe(202);
      expect(retry.body.execution_id).toMatch(/-retry2$/);
      await until('the retry to spawn its trainer', async () => (healthy.workflow.trainers.spawned === 1 ? true : undefined));
    } finally {
      await healthy.close();
    }
  });
});

describe('a server killed mid-run', () => {
  it('shows the run FAILED (interrupted) after a restart, and a new POST retrains', async () => {
    // Prepare: a run whose trainer never ends.
    const dataDir = await tempDataDir();
    const first = await spawnServer(dataDir, trainerFault('hang'));
    const started = await call(first.url, 'POST', '/train/lstm', '{"skip_snapshot":true}');
    expect(started.status).toBe(202);
    const executionId = String(started.body.execution_id);
    const logFile = join(dataDir, 'executions', `${executionId}.log`);
    const trainerPid = await until('the trainer to start', async () => {
      const match = /started pid (\d+)/.exec(await readFile(logFile, 'utf8').catch(() => ''));
      return match ? Number(match[1]) : undefined;
    });

    // Act: the server dies without any chance to clean up.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('hang'), log: () => undefined });
    try {
      // Assess
      const execution = await call(second.url, 'GET', `/train/executions/${executionId}`);
      expect(execution.body).toMatchObject({ status: 'FAILED', error: 'Interrupted' });
      expect(String(execution.body.cause)).toContain('interrupted');
      const models = await call(second.url, 'GET', '/models/lstm');
      expect(models.body).toMatchObject({ current: null, versions: [expect.objectContaining({ status: 'FAILED' })] });
      // The orphaned trainer noticed its parent's death and exited.
      await until('the orphaned trainer to exit', async () => (isAlive(trainerPid) ? undefined : true), 10_000);

      const retry = await call(second.url, 'POST', '/train/lstm', '{"skip_snapshot":true}');
      expect(retry.status).toBe(202);
      expect(retry.body.execution_id).not.toBe(executionId);
      await until('the retry to spawn its trainer', async () => (second.workflow.trainers.spawned === 1 ? true : undefined));
    } finally {
      await second.close();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
