/**
 * Using a trained agent, on a smoke ppo_lstm trained through the CLI on smoke lstm snapshots:
 * the core (allocate), the HTTP route (GET/POST /models/{kind}/allocation) and `mizan allocate`.
 * What a user checks: the weights obey the rules, they are what the agent would have done in that
 * week (the same observation as build-panel's, the same weights as the trainer's evaluation), no
 * later data moves them, the turnover adds up, and bad input is refused naming the field.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/api-deps.ts';
import { makeApiHandler } from '../../functions/api/handler.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { allocate, type Allocation } from '../../src/models/agents/allocate.ts';
import { formatAllocation } from '../../src/models/agents/allocation/format-allocation.ts';
import { applyStandardiser, buildRawPanel, loadSignalReader, selectWeeks, type PanelTransform } from '../../src/models/agents/env/build-panel.ts';
import { projectWeights } from '../../src/models/agents/env/project-weights.ts';
import { deserializePpoAgent } from '../../src/models/agents/ppo/ppo-artifacts.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import { UserInputError } from '../../src/config/errors.ts';
import type { MarketData } from '../../src/ports/market-data.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { listTree, runCli } from '../e2e/cli-support.ts';
import { perturbedAfter } from '../support/perturbed-market-data.ts';
import { signalsChangedFrom, trainSmokeLstmSnapshots } from '../support/snapshot-deps.ts';

const marketData = new SampleMarketData();
let dataDir: string;
let cwd: string;
let deps: LocalDeps;
let version: string;
let meta: { config: { lookbackDays: number; returnDays: number; volatilityDays: number }; evaluation: { weeks: string[]; agent_weights: number[][] } };
let files: Record<string, Uint8Array>;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mizan-allocate-cwd-'));
  dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-allocate-')), 'data');
  deps = await localDeps({ dataDir });
  await trainSmokeLstmSnapshots(deps.store, marketData);
  const trained = await runCli(['train', 'ppo_lstm', '--profile', 'smoke', '--data-dir', dataDir], cwd);
  if (trained.code !== 0) throw new Error(`training the smoke agent failed: ${trained.stderr}`);
  version = (JSON.parse(trained.stdout) as { version: string }).version;
  const stored = await readModelFiles(deps.store, versionPrefix('ppo_lstm', version));
  meta = stored!.metadata as unknown as typeof meta;
  files = stored!.files;
}, 180_000);

function expectRulesHold(a: Allocation): void {
  const weights = [...a.symbols, 'cash'].map((name) => a.target_weights[name]);
  expect(Object.keys(a.target_weights)).toEqual([...a.symbols, 'cash']);
  expect(weights.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
  for (const w of weights) expect(w).toBeGreaterThanOrEqual(0);
  for (const w of weights.slice(0, -1)) expect(w).toBeLessThanOrEqual(0.2 + 1e-9);
  expect(weights.at(-1)).toBeGreaterThanOrEqual(0.02 - 1e-9);
}

/** The deps of an allocation: the forecasts read from the run's snapshots. */
const allocationDeps = <D extends LocalDeps>(d: D) => ({ ...d, forecasts: forecastReader(d) });

describe('allocate (the core)', () => {
  it('by default decides the week after the data’s last complete week, with the weights obeying the rules and the features named', async () => {
    const { allocation } = await allocate({ kind: 'ppo_lstm' }, allocationDeps(deps));
    expect(allocation).toMatchObject({ kind: 'ppo_lstm', version, algorithm: 'ppo', as_of: '2026-08-14', week: '2026-08-17', data_through: '2026-08-14', observed_weights: 'all_cash', rebalance: null });
    expect(allocation.forecaster).toEqual({ kind: 'lstm', walk_forward: 'snapshots', snapshot: '2021-12-31' });
    expect(allocation.symbols).toHaveLength(4);
    expectRulesHold(allocation);
    for (const symbol of allocation.symbols) {
      expect(Object.keys(allocation.features[symbol])).toEqual(['forecast', 'sentiment', 'gross_margin', 'operating_margin', 'net_margin', 'current_ratio', 'debt_to_equity', 'ret_20d', 'vol_60d']);
      expect(Number.isFinite(allocation.features[symbol].forecast)).toBe(true);
    }
  });

  it('sees for a past week exactly build-panel’s observation, and sets the weights the trainer’s evaluation set there', async () => {
    // The evaluation starts all cash on its first week: the allocation decided the Friday before, from all cash, is that week's.
    const week = meta.evaluation.weeks[0];
    const friday = new Date(Date.parse(week) - 3 * 86_400_000).toISOString().slice(0, 10);
    const { allocation, observation } = await allocate({ kind: 'ppo_lstm', asOf: friday }, allocationDeps(deps));
    expect(allocation.week).toBe(week);
    expectRulesHold(allocation);
    const targets = [...allocation.symbols, 'cash'].map((name) => allocation.target_weights[name]);
    targets.forEach((w, i) => expect(w, `weight ${i}`).toBeCloseTo(meta.evaluation.agent_weights[0][i], 12));

    // build-panel over a window around the week, with the real data after it: the same raw row and observation.
    const { lookbackDays, returnDays, volatilityDays } = meta.config;
    const input = { forecaster: 'lstm' as const, symbols: allocation.symbols, window: { start: '2022-06-06', end: '2022-10-28' }, lookbackDays, returnDays, volatilityDays };
    const raw = selectWeeks(await buildRawPanel(input, { marketData, forecasts: forecastReader(deps) }), [week]);
    expect(raw.weeks).toEqual([week]);
    const F = raw.featureNames.length;
    allocation.symbols.forEach((symbol, s) =>
      raw.featureNames.forEach((name, f) => {
        const value = raw.raw[s * F + f];
        expect(allocation.features[symbol][name], `${symbol} ${name}`).toBe(Number.isFinite(value) ? value : null);
      }),
    );
    const transform = JSON.parse(new TextDecoder().decode(files['panel-transform.json'])) as PanelTransform;
    const standardised = applyStandardiser(raw, transform).features;
    const S = allocation.symbols.length;
    expect(Array.from(observation)).toEqual([...Array.from(standardised), ...Array(S).fill(0), 1]);
    const agent = deserializePpoAgent(files);
    try {
      expect(Array.from(projectWeights(agent.act(observation), { maxStockWeight: 0.2, minCash: 0.02 }))).toEqual(targets);
    } finally {
      agent.dispose();
    }
  });

  it('is not moved by prices or signals dated on or after the week’s first session', async () => {
    const asOf = '2022-06-03';
    const week = '2022-06-06';
    const real = await loadSignalReader();
    const noisy = signalsChangedFrom(real, week);
    const a = await allocate({ kind: 'ppo_lstm', asOf }, allocationDeps({ ...deps, marketData }));
    const b = await allocate({ kind: 'ppo_lstm', asOf }, { store: deps.store, registry: deps.registry, marketData: perturbedAfter(marketData, week), signalReader: noisy, forecasts: forecastReader(deps) });
    expect(b.allocation).toEqual(a.allocation);
    expect(Array.from(b.observation)).toEqual(Array.from(a.observation));
  });

  it('observes the given portfolio and costs the move: turnover ½Σ|target − held|, 10 bps of it', async () => {
    const { allocation, observation } = await allocate({ kind: 'ppo_lstm', asOf: '2022-06-03', portfolio: { cash: 10_000, positions: { AAPL: 60_000, MSFT: 30_000 } } }, allocationDeps(deps));
    expect(allocation.observed_weights).toBe('portfolio');
    const S = allocation.symbols.length;
    const held = [...allocation.symbols.map((s) => ({ AAPL: 0.6, MSFT: 0.3 })[s] ?? 0), 0.1];
    Array.from(observation.subarray(-(S + 1))).forEach((w, i) => expect(w).toBeCloseTo(held[i], 6));
    const rebalance = allocation.rebalance!;
    const target = [...allocation.symbols, 'cash'].map((name) => allocation.target_weights[name]);
    const turnover = held.reduce((sum, h, i) => sum + Math.abs(target[i] - h), 0) / 2;
    expect(rebalance.portfolio_value).toBe(100_000);
    expect(rebalance.turnover).toBeCloseTo(turnover, 12);
    expect(rebalance.cost_value).toBeCloseTo(100_000 * 0.001 * turnover, 9);
    expect(rebalance.trades.AAPL).toBeCloseTo(target[allocation.symbols.indexOf('AAPL')] * (100_000 - rebalance.cost_value) - 60_000, 6);
  });

  it('refuses an unknown symbol naming it, and a kind with no current agent or no allocation loader', async () => {
    await expect(allocate({ kind: 'ppo_lstm', portfolio: { positions: { ZZZZ: 1 } } }, allocationDeps(deps))).rejects.toMatchObject({ path: ['positions', 'ZZZZ'] });
    await expect(allocate({ kind: 'ppo_patchtst' }, allocationDeps(deps))).rejects.toMatchObject({ name: 'NoCurrentAgentError', message: expect.stringMatching(/ppo_patchtst has no current agent: train one first with `mizan train ppo_patchtst`/) });
    await expect(allocate({ kind: 'sac_lstm' }, allocationDeps(deps))).rejects.toBeInstanceOf(UserInputError);
    await expect(allocate({ kind: 'ppo_lstm', asOf: '2019-06-07' }, allocationDeps(deps))).rejects.toThrow(/no lstm snapshot is older than/);
  });
});

describe('a symbol of the agent’s that stopped trading before the decision week', () => {
  /** The bundled prices with `symbol`'s last bar on `lastDay` (delisted then). */
  const stoppedAt = (symbol: string, lastDay: string): MarketData => ({
    source: 'sample',
    dailyBars: async (s, range) => (await marketData.dailyBars(s, range)).filter((b) => s !== symbol || b.date <= lastDay),
    lastDate: () => marketData.lastDate(),
  });
  const asOf = '2022-06-03';

  it.each([
    ['the week before as_of’s', '2022-05-25'],
    ['a year before, beyond the panel’s look-back', '2021-06-30'],
  ])('(last session %s) gets weight 0, its weight held in cash; not_trading names it; the rest is what the agent saw and set', async (_when, lastDay) => {
    // Prepare: the same week with every symbol trading, then with one stopped.
    const trading = await allocate({ kind: 'ppo_lstm', asOf }, allocationDeps(deps));
    expect(trading.allocation.not_trading).toEqual({});
    const gone = trading.allocation.symbols[0];
    // Act
    const { allocation, observation } = await allocate({ kind: 'ppo_lstm', asOf, portfolio: { cash: 10_000, positions: { [gone]: 50_000 } } }, { ...allocationDeps(deps), marketData: stoppedAt(gone, lastDay) });
    // Assess
    expect(allocation.not_trading).toEqual({ [gone]: lastDay });
    expect(allocation.target_weights[gone]).toBe(0);
    expectRulesHold(allocation);
    // Observed as build-panel shows a symbol that stopped trading: features unknown (the training mean, 0 standardised).
    const S = allocation.symbols.length;
    const F = Object.keys(allocation.features[gone]).length;
    const g = allocation.symbols.indexOf(gone);
    expect(Object.values(allocation.features[gone]).every((v) => v === null)).toBe(true);
    expect(Array.from(observation.subarray(g * F, (g + 1) * F))).toEqual(Array(F).fill(0));
    for (const symbol of allocation.symbols.filter((s) => s !== gone)) expect(allocation.features[symbol]).toEqual(trading.allocation.features[symbol]);
    // The policy's own weights on that observation, with the stopped symbol's moved to cash.
    const agent = deserializePpoAgent(files);
    let projected: Float64Array;
    try {
      projected = projectWeights(agent.act(observation), { maxStockWeight: allocation.rules.max_stock_weight, minCash: allocation.rules.min_cash });
    } finally {
      agent.dispose();
    }
    expect(projected[g]).toBeGreaterThan(0);
    allocation.symbols.forEach((symbol, i) => expect(allocation.target_weights[symbol], symbol).toBe(i === g ? 0 : projected[i]));
    expect(allocation.target_weights.cash).toBeCloseTo(projected[S] + projected[g], 12);
    // The rebalance is costed on those final weights: the stopped position is sold.
    const rebalance = allocation.rebalance!;
    const held = [...allocation.symbols.map((s) => (s === gone ? 50_000 / 60_000 : 0)), 10_000 / 60_000];
    const target = [...allocation.symbols, 'cash'].map((name) => allocation.target_weights[name]);
    expect(rebalance.turnover).toBeCloseTo(held.reduce((sum, h, i) => sum + Math.abs(target[i] - h), 0) / 2, 12);
    expect(rebalance.trades[gone]).toBeCloseTo(-50_000, 6);
  });

  it('is named in the table of `mizan allocate`', async () => {
    const gone = (await allocate({ kind: 'ppo_lstm', asOf }, allocationDeps(deps))).allocation.symbols[0];
    const { allocation } = await allocate({ kind: 'ppo_lstm', asOf }, { ...allocationDeps(deps), marketData: stoppedAt(gone, '2022-05-25') });
    expect(formatAllocation(allocation)).toMatch(new RegExp(`^not trading \\(their weight held in cash\\): ${gone} \\(last session 2022-05-25\\)$`, 'm'));
  });
});

describe('GET/POST /models/{kind}/allocation', () => {
  const context = { awsRequestId: 'req-1' } as unknown as Context;
  async function ask(method: string, path: string, query = '', body?: string) {
    const apiDeps = { ...deps, profile: 'smoke', workflow: {}, publisherEnabled: false, maxWaitSeconds: 0, log: () => undefined } as unknown as ApiDeps;
    const event = { rawPath: path, rawQueryString: query, headers: { 'content-type': 'application/json' }, requestContext: { http: { method } }, body, isBase64Encoded: false };
    const response = await makeApiHandler(apiDeps)(event as unknown as APIGatewayProxyEventV2, context);
    return { status: response.statusCode, body: JSON.parse(response.body) as Allocation & { error: string; issues?: { path: string }[] } };
  }

  it('answers 200 with the allocation (GET) and with its rebalance (POST a portfolio)', async () => {
    const get = await ask('GET', '/models/ppo_lstm/allocation', 'as_of=2022-06-03');
    expect(get.status).toBe(200);
    const core = await allocate({ kind: 'ppo_lstm', asOf: '2022-06-03' }, allocationDeps(deps));
    expect(get.body).toEqual(JSON.parse(JSON.stringify(core.allocation)));
    const post = await ask('POST', '/models/ppo_lstm/allocation', 'as_of=2022-06-03', JSON.stringify({ cash: 1000, positions: { AAPL: 500 } }));
    expect(post.status).toBe(200);
    expect(post.body.rebalance).toMatchObject({ portfolio_value: 1500, cost_bps: 10 });
    expect((await ask('GET', '/models/ppo_lstm/allocation')).body.week).toBe('2026-08-17');
  });

  it.each([
    ['an unknown query parameter', 'GET', 'asof=2022-06-03', undefined, 'asof'],
    ['a malformed as_of', 'GET', 'as_of=06/03/2022', undefined, 'as_of'],
    ['a mid-week as_of', 'GET', 'as_of=2022-06-01', undefined, 'as_of'],
    ['a GET with a body', 'GET', '', '{"cash": 1}', '(body)'],
    ['an unknown symbol', 'POST', '', '{"cash": 1, "positions": {"ZZZZ": 5}}', 'positions.ZZZZ'],
    ['a negative value', 'POST', '', '{"cash": 1, "positions": {"AAPL": -5}}', 'positions.AAPL'],
    ['a negative cash', 'POST', '', '{"cash": -1}', 'cash'],
    ['an empty portfolio', 'POST', '', '{}', 'positions'],
    ['a value that is not a number', 'POST', '', '{"cash": "1000"}', 'cash'],
    ['an unknown key', 'POST', '', '{"cash": 1, "weights": {}}', 'weights'],
    ['a position named __proto__', 'POST', '', '{"cash": 1, "positions": {"__proto__": 5}}', 'positions.__proto__'],
    ['a position named constructor', 'POST', '', '{"cash": 0, "positions": {"constructor": 5}}', 'positions.constructor'],
  ])('answers 400 to %s, naming it', async (_what, method, query, body, path) => {
    const answer = await ask(method, '/models/ppo_lstm/allocation', query, body);
    expect(answer.status).toBe(400);
    expect(answer.body.issues?.map((i) => i.path)).toContain(path);
  });

  it('answers 404 for an agent kind with no current agent or a forecaster, and 405 to another method', async () => {
    const none = await ask('GET', '/models/ppo_patchtst/allocation');
    expect(none.status).toBe(404);
    expect(none.body.error).toMatch(/ppo_patchtst has no current agent/);
    expect((await ask('GET', '/models/lstm/allocation')).status).toBe(404);
    expect((await ask('DELETE', '/models/ppo_lstm/allocation')).status).toBe(405);
  });
});

describe('mizan allocate', () => {
  it('prints the weights beside what the agent saw, or the JSON with --json (exit 0)', async () => {
    const portfolio = join(cwd, 'portfolio.json');
    await writeFile(portfolio, JSON.stringify({ cash: 10_000, positions: { AAPL: 90_000 } }));
    const table = await runCli(['allocate', 'ppo_lstm', '--as-of', '2022-06-03', '--portfolio', portfolio, '--data-dir', dataDir], cwd);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^ppo_lstm ${version} \\(ppo\\): target weights for the week of 2022-06-06`));
    expect(table.stdout).toMatch(/^symbol +held +target +trade +forecast +sentiment/m);
    expect(table.stdout).toMatch(/^cash +10\.00 %/m);
    expect(table.stdout).toMatch(/portfolio 100,000\.00: turnover \d+\.\d\d %, cost \d+\.\d\d/);
    const json = await runCli(['allocate', 'ppo_lstm', '--as-of', '2022-06-03', '--json', '--data-dir', dataDir], cwd);
    expect(json.code, json.stderr).toBe(0);
    const core = await allocate({ kind: 'ppo_lstm', asOf: '2022-06-03' }, allocationDeps(deps));
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(core.allocation)));
  });

  it('exits 2 with one line naming the problem, and writes nothing', async () => {
    const write = (name: string, text: string) => writeFile(join(cwd, name), text).then(() => join(cwd, name));
    const cases: [string[], RegExp][] = [
      [['allocate', 'lstm'], /unknown agent kind "lstm": choose one of ppo_lstm/],
      [['allocate', 'ppo_lstm', '--as-of', '2022-6-3'], /--as-of "2022-6-3" is not a date/],
      [['allocate', 'ppo_lstm', '--as-of', '2022-06-01'], /as_of 2022-06-01 is mid-week/],
      [['allocate', 'ppo_patchtst'], /ppo_patchtst has no current agent: train one first with `mizan train ppo_patchtst`/],
      [['allocate', 'ppo_lstm', '--portfolio', join(cwd, 'absent.json')], /--portfolio .*absent\.json: cannot read it \(ENOENT\)/],
      [['allocate', 'ppo_lstm', '--portfolio', await write('bad.json', '{cash: 1')], /--portfolio .*bad\.json: not JSON/],
      [['allocate', 'ppo_lstm', '--portfolio', await write('unknown.json', '{"positions": {"ZZZZ": 1}}')], /--portfolio .*unknown\.json: positions\.ZZZZ: not one of the agent's symbols/],
      [['allocate', 'ppo_lstm', '--portfolio', await write('empty.json', '{"cash": 0}')], /--portfolio .*empty\.json: positions: the portfolio is empty/],
      [['allocate', 'ppo_lstm', '--portfolio', await write('proto.json', '{"cash": 0, "positions": {"__proto__": 5}}')], /--portfolio .*proto\.json: positions\.__proto__: not a ticker symbol/],
    ];
    const before = await listTree(dataDir);
    for (const [args, message] of cases) {
      const run = await runCli([...args, '--data-dir', dataDir], cwd);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    expect(await listTree(dataDir)).toEqual(before);
    expect(await readFile(join(cwd, 'bad.json'), 'utf8')).toBe('{cash: 1');
  });
});
