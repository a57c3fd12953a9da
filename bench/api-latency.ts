/**
 * Latency of the local API as a client sees it: a cached POST (the version exists: 200 with the
 * stored response, no training) and GET /models/lstm, each over 300 requests with autocannon
 * (one connection, so each number is one request's round trip). The LSTM is trained once first,
 * with the smoke profile, in a temp data dir. Prints `bench <name> <value> ms` lines.
 *
 *   node bin/run-ts.mjs bench/api-latency.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startLocalServer } from '../infra/local/server.ts';

// autocannon ships no type declarations: the part used here.
interface Autocannon {
  (options: Record<string, unknown>, done: (error: Error | null) => void): { on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void };
}
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const REQUESTS = 300;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(name: string, options: { url: string; method: 'GET' | 'POST'; body?: string }): Promise<void> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      { url: options.url, method: options.method, body: options.body, headers: { 'content-type': 'application/json' }, connections: 1, amount: REQUESTS },
      (error) => (error ? reject(error) : resolve()),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  latencies.sort((a, b) => a - b);
  const line = (metric: string, value: number) => process.stdout.write(`bench ${name}_${metric} ${value.toFixed(2)} ms\n`);
  line('p50', percentile(latencies, 50));
  line('p95', percentile(latencies, 95));
  process.stdout.write(`bench ${name}_requests ${latencies.length} requests (statuses ${JSON.stringify(Object.fromEntries(statuses))})\n`);
}

const dataDir = await mkdtemp(join(tmpdir(), 'mizan-bench-'));
const server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
try {
  const body = '{"skip_snapshot":true}';
  const trained = await fetch(`${server.url}/train/lstm?wait=1800`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  if (trained.status !== 200) throw new Error(`training for the bench failed: ${trained.status} ${await trained.text()}`);
  await measure('api_cached_post', { url: `${server.url}/train/lstm`, method: 'POST', body });
  await measure('api_get_models_lstm', { url: `${server.url}/models/lstm`, method: 'GET' });
} finally {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
