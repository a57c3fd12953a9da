import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../src/adapters/local/file-lock.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';

const V1 = 'v2026.01.05-abc123def456';
const V2 = 'v2026.01.12-fedcba654321';

describe('LocalModelRegistry on disk', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-layout-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the pointer as a relative symlink models/{kind}/current and records as registry/{kind}/{version}.json', async () => {
    // Prepare
    const registry = new LocalModelRegistry(dataDir);
    await mkdir(join(dataDir, 'models', 'lstm', V1), { recursive: true });
    await writeFile(join(dataDir, 'models', 'lstm', V1, 'metadata.json'), '{"ok":true}');
    // Act
    await registry.claim('lstm', V1, 'local-exec-1');
    await registry.complete('lstm', V1, { version: V1, promoted: true });
    await registry.promote('lstm', undefined, V1);
    // Assess
    const pointer = join(dataDir, 'models', 'lstm', 'current');
    expect((await lstat(pointer)).isSymbolicLink()).toBe(true);
    expect(await readlink(pointer)).toBe(V1);
    expect(await readFile(join(pointer, 'metadata.json'), 'utf8')).toBe('{"ok":true}'); // resolves to the version dir
    const record = JSON.parse(await readFile(join(dataDir, 'registry', 'lstm', `${V1}.json`), 'utf8'));
    expect(record).toMatchObject({ kind: 'lstm', version: V1, status: 'SUCCEEDED', executionId: 'local-exec-1', response: { version: V1, promoted: true } });
    expect(await readdir(join(dataDir, 'registry', 'lstm'))).toEqual(expect.arrayContaining([`${V1}.json`, '.locks']));
    expect(await readdir(join(dataDir, 'registry', 'lstm'))).toHaveLength(2); // no temp files left
  });

  it('never shows a reader a missing pointer while promotions replace it', async () => {
    // Prepare
    const registry = new LocalModelRegistry(dataDir);
    await registry.promote('patchtst', undefined, V1);
    let stop = false;
    const seen = new Set<string | undefined>();
    const reader = (async () => {
      while (!stop) seen.add(await registry.current('patchtst'));
    })();
    // Act: flip the pointer back and forth 100 times.
    for (let i = 0; i < 100; i++) {
      const [from, to] = i % 2 === 0 ? [V1, V2] : [V2, V1];
      expect(await registry.promote('patchtst', from, to)).toBe(true);
    }
    stop = true;
    await reader;
    // Assess
    expect([...seen].sort()).toEqual([V1, V2]);
  });

  it('breaks a lock left by a process that is gone (the pid file of an earlier mizan) and goes on', async () => {
    // Prepare
    const registry = new LocalModelRegistry(dataDir, { lockTimeoutMs: 150 });
    await registry.promote('lstm', undefined, V1);
    const lock = join(dataDir, 'registry', 'lstm', '.locks', 'current.lock');
    await writeFile(lock, `${spawnSync(process.execPath, ['-e', '']).pid}\n`);
    // Act
    const moved = await registry.promote('lstm', V1, V2);
    // Assess
    expect(moved).toBe(true);
    expect(await registry.current('lstm')).toBe(V2);
    expect(await readdir(join(dataDir, 'registry', 'lstm', '.locks'))).toEqual([]);
  });

  it('times out naming the lock when a live process holds it, changing nothing', async () => {
    // Prepare: a lock naming this process that it is taking right now would be live; one naming the
    // parent process (alive, same host) is too.
    const registry = new LocalModelRegistry(dataDir, { lockTimeoutMs: 150 });
    await registry.promote('lstm', undefined, V1);
    const lock = join(dataDir, 'registry', 'lstm', '.locks', 'current.lock');
    await symlink(`${process.ppid}@${hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 24)}@${Date.now()}@1`, lock);
    // Act
    const attempt = registry.promote('lstm', V1, V2);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(attempt).rejects.toThrow(lock);
    expect(await registry.current('lstm')).toBe(V1);
  });

  it('refuses a current pointer that is not a symlink to a version', async () => {
    const registry = new LocalModelRegistry(dataDir);
    await mkdir(join(dataDir, 'models', 'lstm'), { recursive: true });
    await writeFile(join(dataDir, 'models', 'lstm', 'current'), 'v2026.01.05-abc123def456');
    await expect(registry.current('lstm')).rejects.toThrow(/not a symlink/);
  });
});
