/** Hostile and malformed requests: every one gets a 4xx, the server keeps serving, nothing is written. */
import { request } from 'node:http';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { TRAIN_ENDPOINTS } from '../../functions/api/routes.ts';

interface Probe {
  method: string;
  path: string;
  body?: string | Buffer;
  contentType?: string;
}

/** A raw request: the path goes out exactly as written (fetch would normalise `..`). */
function send(url: string, probe: Probe): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: probe.method, path: probe.path, headers: probe.contentType ? { 'content-type': probe.contentType } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (probe.body !== undefined) req.write(probe.body);
    req.end();
  });
}

/** Seeded generator: the same probes on every run. */
function* probes(): Generator<Probe> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const badValues = ['"yes"', '1', '0', 'null', '[]', '{}', '"true"', '1e309', '-1', '"\\u0000"', `"${'x'.repeat(5000)}"`, deep(50), '{"__proto__":true}'];
  const forecasters = TRAIN_ENDPOINTS.filter((p) => !p.endsWith('full') && !p.endsWith('finetune'));
  const agents = TRAIN_ENDPOINTS.filter((p) => p.endsWith('full') || p.endsWith('finetune'));
  const json = 'application/json';
  for (const path of forecasters) {
    for (const value of badValues) yield { method: 'POST', path, body: `{"skip_snapshot":${value}}`, contentType: json };
    yield { method: 'POST', path, body: '{"skip_snapshot":true,"epochs":1000}', contentType: json };
    yield { method: 'POST', path, body: '{"__proto__":{"polluted":1}}', contentType: json };
    yield { method: 'POST', path, body: '{"constructor":{"prototype":{}}}', contentType: json };
  }
  for (const path of agents) {
    yield { method: 'POST', path, body: '{"skip_snapshot":true}', contentType: json };
    yield { method: 'POST', path, body: '{"symbols":["../../etc/passwd"]}', contentType: json };
    yield { method: 'POST', path, body: '[]', contentType: json };
    yield { method: 'POST', path, body: 'null', contentType: json };
    yield { method: 'POST', path, body: '{}', contentType: 'text/plain' };
    yield { method: 'POST', path: `${path}?wait=abc`, body: '{}', contentType: json };
  }
  const malformed = ['{', '}', '{"skip_snapshot":true', "{'skip_snapshot':true}", '{"skip_snapshot":tru}', 'skip_snapshot=true', '\u0000\u0001', '{"a":1,}', deep(20_000), '"'.repeat(100)];
  for (const body of malformed) for (const path of ['/train/lstm', '/train/patchtst']) yield { method: 'POST', path, body, contentType: json };
  for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'text/html', 'image/png']) {
    yield { method: 'POST', path: '/train/lstm', body: '{"skip_snapshot":true}', contentType: type };
  }
  yield { method: 'POST', path: '/train/lstm', body: `{"skip_snapshot":true,"pad":"${'a'.repeat(100_000)}"}`, contentType: json };
  yield { method: 'POST', path: '/train/lstm', body: Buffer.alloc(1_000_000, 0x7b), contentType: json };
  const hostilePaths = [
    '/train/executions/../../etc/passwd',
    '/train/executions/..%2F..%2Fetc%2Fpasswd',
    '/train/executions/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/train/executions/..',
    '/train/executions/.hidden',
    '/train/executions/%00',
    '/train/executions/a%2Fb',
    '/train/executions/' + 'v'.repeat(5000),
    '/models/../../etc/passwd',
    '/models/..%2F..%2Fetc',
    '/models/lstm%00',
    '/models/LSTM',
    '/models/',
    '/models',
    '/train/../models/lstm',
    '/train/lstm/../patchtst',
    '/train/%6cstm',
    '//train/lstm',
    '/train/lstm/',
    '/train/ppo_lstm',
    '/train/ppo_lstm/full/extra',
    '/etc/passwd',
    '/' + 'a/'.repeat(2000),
    '/%ff%fe',
    '/train/executions/%E0%A4%A',
  ];
  for (const path of hostilePaths) {
    yield { method: 'GET', path };
    yield { method: 'POST', path, body: '{}', contentType: json };
  }
  for (const method of ['PUT', 'DELETE', 'PATCH']) for (const path of ['/train/lstm', '/models/lstm', '/train/executions/x']) yield { method, path, body: '{}', contentType: json };
  for (let i = 0; i < 40; i += 1) {
    // Random bytes as JSON bodies: anything but a valid object.
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
    yield { method: 'POST', path: i % 2 ? '/train/lstm' : '/train/sac_patchtst/full', body: Buffer.concat([Buffer.from('{'), bytes]), contentType: json };
  }
}

describe('a fuzzed API', () => {
  let sandbox: string;
  let dataDir: string;
  let server: LocalServer;

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mizan-fuzz-'));
    dataDir = join(sandbox, 'data');
    await mkdir(dataDir);
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
  });
  afterAll(async () => server?.close());

  it('answers every malformed or hostile request with a 4xx and no stack trace, keeps serving, and writes nothing', async () => {
    // Prepare
    const all = [...probes()];
    expect(all.length).toBeGreaterThanOrEqual(200);
    // Act
    const answers = [];
    for (const probe of all) answers.push({ probe, ...(await send(server.url, probe)) });
    // Assess
    const wrong = answers.filter((a) => a.status < 400 || a.status >= 500).map((a) => `${a.probe.method} ${a.probe.path.slice(0, 80)} → ${a.status} ${a.text.slice(0, 120)}`);
    expect(wrong).toEqual([]);
    for (const answer of answers) expect(answer.text).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const models = await send(server.url, { method: 'GET', path: '/models/lstm' });
    expect(models.status).toBe(200);
    expect(await readdir(sandbox)).toEqual(['data']);
    expect(await readdir(dataDir, { recursive: true })).toEqual([]);
  });
});
