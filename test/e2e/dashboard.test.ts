/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core (MIZAN_CHROMIUM or
 * /usr/bin/chromium), one browser for the file. The local server runs on smoke-trained models: an
 * lstm with its snapshots, a ppo_lstm agent on them, and a patchtst run whose trainer crashed.
 * Each test looks at what a person sees and saves a screenshot under the test's temp dir (and,
 * with MIZAN_SCREENSHOTS=DIR, there too: how docs/dashboard-*.png are made).
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../infra/local/server.ts';
import { trainerFault } from '../support/trainer-fault.ts';
import { call, endedExecution, tempDataDir, until } from './support.ts';

const CHROMIUM = process.env.MIZAN_CHROMIUM || '/usr/bin/chromium';

interface Trained {
  lstm: string;
  ppo: string;
  failedExecution: string;
}

describe('the dashboard in chromium', () => {
  let dataDir: string;
  let shots: string;
  let server: LocalServer;
  let browser: Browser;
  let page: Page;
  const trained = {} as Trained;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    shots = join(dataDir, '..', `screenshots-${Date.now()}`);
    await mkdir(shots, { recursive: true });
    // A run whose trainer crashes, on a server that injects the fault...
    const crashing = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('crash'), log: () => undefined });
    try {
      const failed = await call(crashing.url, 'POST', '/train/patchtst?wait=300', '{"skip_snapshot":true}');
      expect(failed.status).toBe(500);
      const statusUrl = String(failed.body.status_url);
      await endedExecution(crashing.url, statusUrl);
      trained.failedExecution = statusUrl.split('/').at(-1)!;
    } finally {
      await crashing.close();
    }
    // ...then the models the other pages show, on the server the browser reads.
    server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
    const lstm = await call(server.url, 'POST', '/train/lstm?wait=300', '{"skip_snapshot":false}');
    expect(lstm.status, lstm.text).toBe(200);
    trained.lstm = String(lstm.body.version);
    const ppo = await call(server.url, 'POST', '/train/ppo_lstm/full?wait=300', '{}');
    expect(ppo.status, ppo.text).toBe(200);
    trained.ppo = String(ppo.body.version);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string): Promise<number> {
    const response = await page.goto(`${server.url}${path}`);
    await page.waitForFunction(() => document.documentElement.dataset.chartsReady === 'true');
    return response?.status() ?? 0;
  }

  async function screenshot(name: string): Promise<void> {
    const file = join(shots, `dashboard-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.MIZAN_SCREENSHOTS) await copyFile(file, join(process.env.MIZAN_SCREENSHOTS, `dashboard-${name}.png`));
  }

  const metadata = async (kind: string, version: string) => JSON.parse(await readFile(join(dataDir, 'models', kind, version, 'metadata.json'), 'utf8'));

  it('Models: each kind shows the version the API calls current, and the failed run in red with its cause', async () => {
    const status = await open('/');
    await screenshot('models');

    expect(status).toBe(200);
    const api = await call(server.url, 'GET', '/models/lstm');
    expect(await page.locator('section.kind', { has: page.locator('h2#lstm') }).locator('.current-version').innerText()).toBe(api.body.current);
    expect(await page.locator('section.kind', { has: page.locator('h2#ppo_lstm') }).locator('.current-version').innerText()).toBe(trained.ppo);
    const patchtst = page.locator('section.kind', { has: page.locator('h2#patchtst') });
    await expect.poll(() => patchtst.innerText()).toContain('No current version');
    const failed = patchtst.locator('.status-failed');
    expect(await failed.innerText()).toBe('FAILED');
    expect(await failed.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(198, 40, 40)');
    expect(await patchtst.locator('.cause').innerText()).toContain('injected fault: the trainer crashed mid-write');
    // Each kind's headline metric per version beside its baselines on one chart.
    expect(await page.locator('figure.chart[data-chart="versions-test-loss-lstm"] .u-legend').innerText()).toMatch(/test loss[\s\S]*always zero[\s\S]*mean target/);
    expect(await page.locator('figure.chart[data-chart="versions-sharpe-ppo_lstm"] .u-legend').innerText()).toMatch(/agent Sharpe[\s\S]*90 % interval[\s\S]*equal weight[\s\S]*inverse volatility/);
  });

  it('Version of a forecaster: the loss chart has one point per stored epoch, the snapshot years the run trained and their walk-forward hit rate beside always-up', async () => {
    const stored = await metadata('lstm', trained.lstm);
    const score = JSON.parse(await readFile(join(dataDir, 'runs', 'lstm', trained.lstm, 'walk-forward.json'), 'utf8'));

    const status = await open(`/ui/versions/lstm/${trained.lstm}.html`);
    await screenshot('version-lstm');

    expect(status).toBe(200);
    const chart = page.locator('figure.chart[data-chart="loss"]');
    expect(await chart.getAttribute('data-points')).toBe(String(stored.history.length));
    expect(await chart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(300);
    expect(await page.locator('table.scores').innerText()).toContain(String(Number(stored.metrics.test_loss.toPrecision(6))));
    const years = await page.locator('table.snapshots tbody tr td:first-child').allInnerTexts();
    expect(years).toEqual(['2020-12-31', '2021-12-31']);
    // The stored score, one row per snapshot year and one for the whole period: hit rate beside always up, rank IC.
    const walkForward = page.locator('table.walk-forward tbody tr');
    const percent = (v: number) => `${(v * 100).toFixed(2)} %`;
    const cells = async (i: number) => (await walkForward.nth(i).locator('td').allInnerTexts()).map((t) => t.trim());
    expect(await walkForward.locator('td:first-child').allInnerTexts()).toEqual(['2020-12-31', '2021-12-31', 'all years']);
    for (const [i, line] of [...score.years, score.total].entries()) {
      const [, , weeks, hitRate, alwaysUp, rankIc] = await cells(i);
      expect(weeks).toBe(String(line.weeks));
      expect(hitRate).toBe(`${percent(line.hit_rate)} (${line.hits} of ${line.forecasts})`);
      expect(alwaysUp).toBe(percent(line.always_up_rate));
      expect(rankIc).toBe(String(Number(line.rank_ic_mean.toPrecision(4))));
    }
    // Beside the model's rank IC, 12-1 momentum's and 1-week reversal's (columns 9 and 10), and the chart of all three per year with the model's interval.
    for (const [i, line] of [...score.years, score.total].entries()) {
      const [, , , , , , , , momentum, reversal] = await cells(i);
      expect(momentum).toBe(`${Number(line.baselines.momentum_12_1.rank_ic_mean.toPrecision(4))} (t ${Number(line.baselines.momentum_12_1.rank_ic_t.toPrecision(3))})`);
      expect(reversal).toMatch(new RegExp(`^${String(Number(line.baselines.reversal_1w.rank_ic_mean.toPrecision(4))).replace('.', '\\.')} \\(t `));
    }
    const ic = page.locator('figure.chart[data-chart="walk-forward-ic"]');
    expect(await ic.getAttribute('data-points')).toBe('2');
    expect(await ic.locator('.u-legend').innerText()).toMatch(/model rank IC[\s\S]*90 % interval[\s\S]*12-1 momentum[\s\S]*1-week reversal/);
    expect(await page.locator('.decision').innerText()).toMatch(/^Promoted: first lstm model/);
  });

  it('Version of an agent: equity beside equal weight and the weights, one point per evaluation week', async () => {
    const stored = await metadata('ppo_lstm', trained.ppo);
    const weeks = stored.evaluation.weeks.length;

    await open(`/ui/versions/ppo_lstm/${trained.ppo}.html`);
    await screenshot('version-ppo');

    expect(weeks).toBeGreaterThan(5);
    for (const id of ['equity', 'drawdown', 'weights']) expect(await page.locator(`figure.chart[data-chart="${id}"]`).getAttribute('data-points')).toBe(String(weeks));
    expect(await page.locator('figure.chart[data-chart="weights"]').getAttribute('data-series')).toBe(String(stored.symbols_used.length + 1));
    expect(await page.locator('figure.chart[data-chart="equity"] .u-legend').innerText()).toMatch(/agent[\s\S]*equal weight[\s\S]*inverse volatility/);
    // The Sharpe with its 90 % interval beside both benchmarks, and the tests against them.
    expect(await page.locator('table.scores').innerText()).toMatch(/90 % interval/);
    expect(await page.locator('table.tests').innerText()).toMatch(/equal weight[\s\S]*inverse volatility/);
    expect(await page.locator('figure.chart[data-chart="entropy"]').getAttribute('data-points')).toBe(String(stored.training.updates.length));
    const drawdown = `${(stored.metrics.eval_max_drawdown * 100).toFixed(2)} %`;
    expect(await page.locator('figure.chart[data-chart="drawdown"] figcaption').innerText()).toContain(`largest: agent ${drawdown}`);
  });

  it('Runs: the failed run in red, the state it failed in and its cause', async () => {
    await open('/ui/runs.html');
    await screenshot('runs');
    const row = page.locator('table.runs tr', { hasText: trained.failedExecution });
    expect(await row.locator('.status-failed').innerText()).toBe('FAILED');
    expect(await row.locator('.state-failed').innerText()).toBe('Train');

    const status = await open(`/ui/runs/${trained.failedExecution}.html`);
    await screenshot('run-failed');

    expect(status).toBe(200);
    const train = page.locator('table.timeline tr.state', { hasText: 'Train' }).first();
    expect(await train.getAttribute('class')).toContain('state-failed');
    expect(await train.locator('td.state-name').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(198, 40, 40)');
    expect(await page.locator('.failure .cause').first().innerText()).toContain('injected fault: the trainer crashed mid-write (MIZAN_TRAINER_FAULT=crash)');
    expect(await page.locator('.failure .cause').first().evaluate((el) => getComputedStyle(el).color)).toBe('rgb(198, 40, 40)');

    await open(`/ui/runs/${trained.lstm}.html`);
    await screenshot('run-succeeded');
    const names = await page.locator('table.timeline td.state-name').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['Train', 'Backfill snapshots', 'Train snapshot [2020-12-31]', 'Train snapshot [2021-12-31]', 'Score walk-forward', 'Decide promotion', 'Record result']));
  });

  it('an unknown kind, version or execution is a 404 page naming it', async () => {
    for (const [path, named] of [
      ['/ui/models/gpt.html', 'No model kind gpt'],
      ['/ui/versions/lstm/v2022.12.30-000000000000.html', 'No lstm version v2022.12.30-000000000000'],
      ['/ui/runs/no-such-run.html', 'No execution no-such-run'],
    ]) {
      const status = await open(path);
      expect(status, path).toBe(404);
      expect(await page.locator('.not-found').innerText(), path).toContain(named);
    }
    await screenshot('not-found');
  });

  it('a running run reloads itself until it ends', async () => {
    // The browser's server is closed first: one runner per data dir.
    await server.close();
    const hanging = await startLocalServer({ port: 0, dataDir, profile: 'smoke', trainerEnv: trainerFault('hang'), log: () => undefined });
    server = hanging;
    const started = await call(hanging.url, 'POST', '/train/patchtst', '{"skip_snapshot":true}');
    expect(started.status).toBe(202);
    const executionId = String(started.body.execution_id);
    await until('the record to show Train running', async () => {
      const view = await call(hanging.url, 'GET', `/train/executions/${executionId}`);
      return (view.body.states as { name: string; status: string }[] | undefined)?.some((s) => s.name === 'Train' && s.status === 'RUNNING') ? true : undefined;
    });

    await open(`/ui/runs/${executionId}.html`);
    await screenshot('run-running');

    expect(await page.locator('dl.summary .status').first().innerText()).toBe('RUNNING');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('5');
    expect(await page.locator('table.timeline tr.state-running td.state-name').allInnerTexts()).toContain('Train');
    // It reloads by itself: a second load after the 5 s refresh interval (a wide margin for a loaded CI machine).
    await page.waitForEvent('load', { timeout: 20_000 });
  }, 60_000);
});
