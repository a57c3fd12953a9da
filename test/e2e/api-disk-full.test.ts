/**
 * Issue 16 §1 over HTTP: a data dir that refuses writes is answered with its cause, never a bare 500.
 * A full disk is 507 Insufficient Storage naming the data dir, whether it refuses the request's own
 * writes (the claim) or the run's (the trainer's model files, with ?wait); another refusal (an I/O
 * error) is 503 naming the cause. Nothing is left claimed: the same request succeeds once there is room.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { faults } from '../support/write-faults.ts';
import { call, tempDataDir } from './support.ts';

const FAIL_WRITES = fileURLToPath(new URL('../support/fail-writes.mjs', import.meta.url));

describe('the API on a data dir that refuses writes', () => {
  let server: LocalServer;
  let dataDir: string;
  const logged: string[] = [];

  beforeAll(async () => {
    dataDir = await tempDataDir();
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: (line) => void logged.push(line) });
  });
  afterAll(async () => server?.close());
  afterEach(() => faults.disarm());

  it('answers 507 naming the data dir when the disk is full, and the same request works once there is room', async () => {
    // Prepare: the disk fills up before the request claims its version.
    faults.arm({ under: dataDir, code: 'ENOSPC', at: 1 });
    // Act
    const full = await call(server.url, 'POST', '/train/lstm', '{"skip_snapshot":true}');
    // Assess
    expect(full.status, full.text).toBe(507);
    expect(full.body).toEqual({ error: `no space left on device under ${dataDir}`, request_id: expect.any(String) });
    expect(logged.at(-1)).toMatch(new RegExp(`^api error \\S+: cannot write to ${dataDir}: no space left on device \\(ENOSPC\\)$`)); // one line, no stack
    faults.disarm();
    const room = await call(server.url, 'POST', '/train/lstm?wait=300', '{"skip_snapshot":true}');
    expect(room.status, room.text).toBe(200);
  });

  it('answers 503 naming the cause for a disk that fails otherwise', async () => {
    // Prepare
    faults.arm({ under: dataDir, code: 'EIO', at: 1 });
    // Act
    const failing = await call(server.url, 'POST', '/train/patchtst', '{"skip_snapshot":true}');
    // Assess
    expect(failing.status, failing.text).toBe(503);
    expect(failing.body.error).toBe(`cannot write to ${dataDir}: input/output error (EIO)`);
  });
});

describe('a run that fills the disk, waited for', () => {
  it('answers 507 naming the data dir, with the run FAILED and its cause', async () => {
    // Prepare: the trainer's model files are refused (the preload in the trainer child process).
    const dataDir = await tempDataDir();
    const trainerEnv = { NODE_OPTIONS: `--import=${FAIL_WRITES}`, MIZAN_FAIL_WRITES_UNDER: join(dataDir, 'models'), MIZAN_FAIL_WRITES_CODE: 'ENOSPC' };
    const server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv, log: () => undefined });
    try {
      // Act
      const answer = await call(server.url, 'POST', '/train/lstm?wait=300', '{"skip_snapshot":true}');
      // Assess
      expect(answer.status, answer.text).toBe(507);
      expect(answer.body).toMatchObject({
        status: 'FAILED',
        error: `no space left on device under ${dataDir}`,
        cause: expect.stringContaining(`cannot write to ${dataDir}: no space left on device (ENOSPC)`),
        version: expect.any(String),
        execution_id: expect.any(String),
      });
      const models = await call(server.url, 'GET', '/models/lstm');
      expect(models.body).toMatchObject({ current: null, versions: [expect.objectContaining({ status: 'FAILED' })] });
    } finally {
      await server.close();
    }
  });
});
