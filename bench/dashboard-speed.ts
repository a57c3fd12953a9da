/**
 * How fast the dashboard answers from a data dir with 100 versions and 100 executions.
 * `measureDashboard()` trains a smoke lstm (with its snapshots) and a smoke ppo_lstm, copies each
 * one's stored records (registry record, metadata.json, promotion and snapshot records, execution
 * record) under new version ids until there are 100 of each, starts the local server and returns:
 * - dashboard_{models,runs,version,run}_page_ms: the median time of a GET of that page over HTTP,
 *   the whole body read (Models: every kind with its 100 versions; Runs: 100 executions);
 * - dashboard_slowest_page_p95_ms: the 95th percentile of the slowest of those pages;
 * - dashboard_browser_{models,runs,version}_load_ms: chromium's load of that page (Navigation
 *   Timing, to the end of the load event, charts drawn; median), absent without chromium at
 *   MIZAN_CHROMIUM or /usr/bin/chromium.
 * Run alone: `node bin/run-ts.mjs bench/dashboard-speed.ts [loads]` prints `bench <name> <value> <unit>` lines.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLocalServer } from '../infra/local/server.ts';
import { main } from '../src/cli/main.ts';

export interface DashboardSpeed {
  versions: number;
  executions: number;
  dashboard_models_page_ms: number;
  dashboard_runs_page_ms: number;
  dashboard_version_page_ms: number;
  dashboard_run_page_ms: number;
  dashboard_slowest_page_p95_ms: number;
  dashboard_browser_models_load_ms?: number;
  dashboard_browser_runs_load_ms?: number;
  dashboard_browser_version_load_ms?: number;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function train(dataDir: string, args: string[]): Promise<string> {
  const out: string[] = [];
  const code = await main(['train', ...args, '--profile', 'smoke', '--data-dir', dataDir], { stdout: (t) => out.push(t), stderr: () => undefined, env: {} });
  if (code !== 0) throw new Error(`mizan train ${args.join(' ')} exited ${code}`);
  return JSON.parse(out.join('\n')).version as string;
}

/** Every stored file that names `version`, copied `copies` times with the name replaced by a new version id. */
async function copyVersion(dataDir: string, kind: string, version: string, copies: number, salt: number): Promise<void> {
  const sources = [`registry/${kind}/${version}.json`, `models/${kind}/${version}/metadata.json`, `runs/${kind}/${version}/promotion.json`, `executions/${version}.json`];
  const snapshotsDir = join(dataDir, 'runs', kind, version, 'snapshots');
  if (existsSync(snapshotsDir)) for (const name of await readdir(snapshotsDir)) sources.push(`runs/${kind}/${version}/snapshots/${name}`);
  const texts = await Promise.all(sources.map((key) => readFile(join(dataDir, key), 'utf8')));
  const date = version.slice(0, version.indexOf('-'));
  for (let i = 0; i < copies; i++) {
    const copy = `${date}-${(salt * 1_000_000 + i).toString(16).padStart(12, '0')}`;
    await Promise.all(
      sources.map(async (key, k) => {
        const target = join(dataDir, key.split(version).join(copy));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, texts[k].split(version).join(copy));
      }),
    );
  }
}

async function timeGets(url: string, loads: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < loads; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.text();
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * Chromium's own measure of a page load (Navigation Timing: navigation start to the end of the load
 * event; the deferred chart glue has drawn every chart by then), median over `loads` after a first
 * load that fills the cache.
 */
async function browserLoads(urls: string[], loads: number): Promise<number[] | undefined> {
  const executablePath = process.env.MIZAN_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) return undefined;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath });
  try {
    const page = await browser.newPage();
    const medians: number[] = [];
    for (const url of urls) {
      const times: number[] = [];
      for (let i = 0; i <= loads; i++) {
        await page.goto(url, { waitUntil: 'load' });
        const loaded = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
        if (i > 0) times.push(loaded);
      }
      medians.push(quantile(times, 0.5));
    }
    return medians;
  } finally {
    await browser.close();
  }
}

/** A data dir with 100 versions (50 lstm, 50 ppo_lstm) and their 100 executions; returns the two trained versions. */
export async function benchDataDir(dataDir: string): Promise<{ lstm: string; ppo: string }> {
  const lstm = await train(dataDir, ['lstm']);
  const ppo = await train(dataDir, ['ppo_lstm']);
  await copyVersion(dataDir, 'lstm', lstm, 49, 1);
  await copyVersion(dataDir, 'ppo_lstm', ppo, 49, 2);
  return { lstm, ppo };
}

export async function measureDashboard(loads = 20): Promise<DashboardSpeed> {
  const root = await mkdtemp(join(tmpdir(), 'mizan-bench-dashboard-'));
  const dataDir = join(root, 'data');
  try {
    const { lstm, ppo } = await benchDataDir(dataDir);
    const server = await startLocalServer({ port: 0, dataDir, profile: 'smoke', log: () => undefined });
    try {
      const pages = {
        models: `${server.url}/`,
        runs: `${server.url}/ui/runs.html`,
        version: `${server.url}/ui/versions/ppo_lstm/${ppo}.html`,
        run: `${server.url}/ui/runs/${lstm}.html`,
      };
      for (const url of Object.values(pages)) await timeGets(url, 2); // warm-up: module loading, file cache
      const times = {
        models: await timeGets(pages.models, loads),
        runs: await timeGets(pages.runs, loads),
        version: await timeGets(pages.version, loads),
        run: await timeGets(pages.run, loads),
      };
      const json = async (dir: string) => (await readdir(join(dataDir, dir))).filter((n) => n.endsWith('.json')).length;
      const versions = (await json('registry/lstm')) + (await json('registry/ppo_lstm'));
      const executions = await json('executions');
      return {
        versions,
        executions,
        dashboard_models_page_ms: quantile(times.models, 0.5),
        dashboard_runs_page_ms: quantile(times.runs, 0.5),
        dashboard_version_page_ms: quantile(times.version, 0.5),
        dashboard_run_page_ms: quantile(times.run, 0.5),
        dashboard_slowest_page_p95_ms: Math.max(...Object.values(times).map((t) => quantile(t, 0.95))),
        ...(await browserLoads([pages.models, pages.runs, pages.version], Math.min(loads, 10)).then((ms) =>
          ms ? { dashboard_browser_models_load_ms: ms[0], dashboard_browser_runs_load_ms: ms[1], dashboard_browser_version_load_ms: ms[2] } : {},
        )),
      };
    } finally {
      await server.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const speed = await measureDashboard(Number(process.argv[2] ?? 20));
  const line = (name: string, value: number | undefined, unit: string) => {
    if (value !== undefined) process.stdout.write(`bench ${name} ${value.toFixed(1)} ${unit}\n`);
  };
  process.stderr.write(`dashboard data dir: ${speed.versions} versions, ${speed.executions} executions\n`);
  line('dashboard_models_page_ms', speed.dashboard_models_page_ms, 'ms');
  line('dashboard_runs_page_ms', speed.dashboard_runs_page_ms, 'ms');
  line('dashboard_version_page_ms', speed.dashboard_version_page_ms, 'ms');
  line('dashboard_run_page_ms', speed.dashboard_run_page_ms, 'ms');
  line('dashboard_slowest_page_p95_ms', speed.dashboard_slowest_page_p95_ms, 'ms');
  line('dashboard_browser_models_load_ms', speed.dashboard_browser_models_load_ms, 'ms');
  line('dashboard_browser_runs_load_ms', speed.dashboard_browser_runs_load_ms, 'ms');
  line('dashboard_browser_version_load_ms', speed.dashboard_browser_version_load_ms, 'ms');
}
