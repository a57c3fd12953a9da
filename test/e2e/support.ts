/** Helpers of the end-to-end tests: a temp data dir, HTTP calls, and the server as its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';

export const tempDataDir = () => mkdtemp(join(tmpdir(), 'mizan-e2e-'));

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export async function call(url: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  // fetch would label a string body text/plain: say what it is, as a JSON client does.
  const response = await fetch(`${url}${path}`, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at text
  }
  return { status: response.status, body: parsed, text };
}

/** Runs `infra/local/serve.ts` as a child process (so a test can kill it like a crash would). */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const runTs = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
  const serve = fileURLToPath(new URL('../../infra/local/serve.ts', import.meta.url));
  const child = spawn(process.execPath, [runTs, serve, '--port', '0', '--data-dir', dataDir, '--profile', 'smoke'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.resume();
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  return { url, child };
}

/** Version directories of a kind that hold a committed model (metadata.json is the commit marker). */
export async function committedVersions(dataDir: string, kind: string): Promise<string[]> {
  const dir = join(dataDir, 'models', kind);
  const names = await readdir(dir).catch(() => [] as string[]);
  const committed: string[] = [];
  for (const name of names.filter((n) => n.startsWith('v'))) {
    const files = await readdir(join(dir, name)).catch(() => [] as string[]);
    if (files.includes('metadata.json')) committed.push(name);
  }
  return committed;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A real local server (smoke profile) on a fresh data dir for the tests of one file:
 * started before them, closed after. Read `ctx.server` / `ctx.dataDir` inside the tests.
 */
export function smokeServerForFile(): { readonly server: LocalServer; readonly dataDir: string } {
  const ctx = {} as { server: LocalServer; dataDir: string };
  beforeAll(async () => {
    ctx.dataDir = await tempDataDir();
    ctx.server = await startLocalServer({ port: 0, dataDir: ctx.dataDir, profile: 'smoke', log: () => undefined });
  });
  afterAll(async () => ctx.server?.close());
  return ctx;
}

/**
 * GET an execution once it has ended. A `?wait` answer comes from the registry, which "Record
 * result" / "Record failure" write a moment before the execution itself ends (on AWS as well).
 */
export function endedExecution(url: string, statusUrl: string): Promise<Answer> {
  return until(`${statusUrl} to end`, async () => {
    const view = await call(url, 'GET', statusUrl);
    return view.status === 200 && view.body.status === 'RUNNING' ? undefined : view;
  });
}
