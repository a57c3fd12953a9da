/**
 * `allow_final_model` (API body) / `--allow-final-model` (CLI): with a current lstm but no lstm
 * snapshots, an agent's panel reads the final model (and says so) only when asked; without the
 * flag the run fails naming the command that makes snapshots. The flag is in the plan's config, so
 * in the version. The data dir holds a smoke lstm trained with --skip-snapshot.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/api-deps.ts';
import { makeApiHandler } from '../../functions/api/handler.ts';
import { buildRawPanel } from '../../src/models/agents/env/build-panel.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { walkForwardForecasts } from '../../src/snapshots/walk-forward.ts';
import { runCli } from '../e2e/cli-support.ts';

let cwd: string;
let dataDir: string;
let deps: LocalDeps;
let lstmVersion: string;
/** What build-panel reads (LocalDeps' own `signals` is a provider, not build-panel's reader). */
const panelDeps = (d: LocalDeps) => ({ marketData: d.marketData, forecasts: forecastReader(d) });

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mizan-final-model-cwd-'));
  dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-final-model-')), 'data');
  const lstm = await runCli(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir], cwd);
  if (lstm.code !== 0) throw new Error(`training the smoke lstm failed: ${lstm.stderr}`);
  lstmVersion = (JSON.parse(lstm.stdout) as { version: string }).version;
  deps = await localDeps({ dataDir });
}, 180_000);

const input = { forecaster: 'lstm' as const, symbols: ['AAPL', 'MSFT'], window: { start: '2016-03-07', end: '2016-06-24' }, lookbackDays: 70, returnDays: 20, volatilityDays: 60 };

describe('the panel without lstm snapshots', () => {
  it('fails naming the command that makes them, unless the final model is allowed', async () => {
    await expect(buildRawPanel(input, panelDeps(deps))).rejects.toThrow(/no lstm snapshots: .*make them first with `mizan train lstm` \(without --skip-snapshot\)/);
    await expect(buildRawPanel({ ...input, allowFinalModel: false }, panelDeps(deps))).rejects.toThrow(/no lstm snapshots/);
  });

  it('with allowFinalModel reads every week’s forecast from the current lstm, and says so', async () => {
    const panel = await buildRawPanel({ ...input, allowFinalModel: true }, panelDeps(deps));
    expect(panel.walkForward).toBe('final_model');
    expect(panel.snapshots).toEqual([]);
    expect(panel.weeks[0]).toBe('2016-03-07'); // from the window's start: no snapshot cutoff to wait for
    const rows = await walkForwardForecasts({ kind: 'lstm', symbols: input.symbols, from: panel.weeks[0], to: panel.weeks.at(-1)!, allowFinalModel: true }, deps);
    expect(rows.every((r) => r.walk_forward === 'final_model')).toBe(true);
    const F = panel.featureNames.length;
    const first = rows.filter((r) => r.weekStart.startsWith('2016-03-0'));
    expect(first.map((r) => r.forecast)).toEqual([panel.raw[0], panel.raw[F]]); // AAPL then MSFT, feature 0 = forecast
  });

  it('with allowFinalModel and no current lstm either, fails naming the command that trains one', async () => {
    const empty = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-empty-')), 'data') });
    await expect(buildRawPanel({ ...input, allowFinalModel: true }, panelDeps(empty))).rejects.toThrow(/no lstm snapshots and no current lstm model to fall back on: train one first with `mizan train lstm`/);
  });
});

describe('allow_final_model in the plan', () => {
  it('is in the config (so the version) only when set, and only for agents', async () => {
    const plain = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke' }, deps);
    const allowed = await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke', allowFinalModel: true }, deps);
    expect(plain.config).not.toHaveProperty('allowFinalModel');
    expect(allowed.config.allowFinalModel).toBe(true);
    expect(allowed.version).not.toBe(plain.version);
    expect(await resolveTrainingPlan({ kind: 'ppo_lstm', mode: 'full', profile: 'smoke', allowFinalModel: false }, deps)).toEqual(plain);
    await expect(resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'smoke', allowFinalModel: true }, deps)).rejects.toMatchObject({ path: ['allow_final_model'] });
  });

  it('the API takes {"allow_final_model": true} on agent routes and names a wrong type or a forecaster route', async () => {
    const handler = makeApiHandler({ ...deps, profile: 'smoke', workflow: {}, publisherEnabled: false, maxWaitSeconds: 0, log: () => undefined } as unknown as ApiDeps);
    const post = async (path: string, body: string) => {
      const event = { rawPath: path, rawQueryString: '', headers: { 'content-type': 'application/json' }, requestContext: { http: { method: 'POST' } }, body, isBase64Encoded: false };
      const response = await handler(event as unknown as APIGatewayProxyEventV2, { awsRequestId: 'r' } as unknown as Context);
      return { status: response.statusCode, body: JSON.parse(response.body) as { issues?: { path: string }[] } };
    };
    for (const [path, body] of [['/train/ppo_lstm/full', '{"allow_final_model": "yes"}'], ['/train/lstm', '{"allow_final_model": true}']]) {
      const answer = await post(path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.body.issues?.map((i) => i.path)).toEqual(['allow_final_model']);
    }
  });
});

describe('mizan train with and without --allow-final-model', () => {
  it('refuses the flag for a forecaster (exit 2, one line)', async () => {
    const run = await runCli(['train', 'lstm', '--profile', 'smoke', '--allow-final-model', '--data-dir', dataDir], cwd);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual(['mizan train: --allow-final-model is for agents, which read a forecaster\'s forecasts: lstm reads none']);
  });

  it('without it and without snapshots, the agent run fails naming the command that makes them', async () => {
    const run = await runCli(['train', 'ppo_lstm', '--profile', 'smoke', '--data-dir', dataDir], cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/training failed: .*no lstm snapshots: .*`mizan train lstm` \(without --skip-snapshot\)/);
  });

  it('with it, the agent trains on the final lstm and the response says walk_forward: final_model', async () => {
    const run = await runCli(['train', 'ppo_lstm', '--profile', 'smoke', '--allow-final-model', '--data-dir', dataDir], cwd);
    expect(run.code, run.stderr).toBe(0);
    const response = JSON.parse(run.stdout) as { walk_forward: string; version: string };
    expect(response.walk_forward).toBe('final_model');
    expect(lstmVersion).toMatch(/^v2022\.12\.30-/);
  });
});
