/**
 * The uncertainty a version's metadata may carry (metric_spread, intervals, tests, the inverse-
 * volatility benchmark, the walk-forward rank IC of the price rankings) on the Version page and the
 * Models page (test/unit/model-card-uncertainty.test.ts: the model card); and a version stored before any of it still renders, without
 * an "undefined" or a "NaN" where a figure is missing.
 */
import { describe, expect, it } from 'vitest';
import { kindSection } from '../../src/dashboard/models-page.ts';
import type { KindView, Metadata, VersionRow } from '../../src/dashboard/read-kind.ts';
import type { VersionView } from '../../src/dashboard/read-version.ts';
import { versionsChart } from '../../src/dashboard/kind-charts.ts';
import { versionBody } from '../../src/dashboard/version-page.ts';
import { uncertaintyOf } from '../../src/pipeline/metric-uncertainty.ts';
import type { WalkForwardScore } from '../../src/snapshots/walk-forward-score.ts';
import { expectNoHoles, newAgent, newForecaster, oldAgent, oldForecaster, score } from './uncertainty-fixtures.ts';
import type { ChartSpec } from '../../src/dashboard/chart.ts';

const view = (metadata: Metadata, walkForward: WalkForwardScore | null = null): VersionView => ({
  record: { kind: metadata.kind as 'lstm', version: String(metadata.version), status: 'SUCCEEDED', executionId: String(metadata.version), claimedAt: '2026-08-15T00:00:00Z' },
  current: false,
  metadata,
  promotion: null,
  snapshotOutcomes: [],
  walkForward,
  priorExists: false,
});


const chartsOf = (html: string): ChartSpec[] => [...html.matchAll(/<script type="application\/json" id="chart-[^"]+">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]));

describe('reading the uncertainty of a version', () => {
  it('keeps the well-formed entries and drops a malformed one', () => {
    const u = uncertaintyOf({ metric_spread: { a: { mean: 1, std: 0, min: 1, max: 1, n: 1 }, b: { mean: 'x' } }, intervals: { c: { level: 0.9, low: 0 } }, tests: 'no' });
    expect(Object.keys(u.spread)).toEqual(['a']);
    expect(u.intervals).toEqual({});
    expect(u.tests).toEqual({});
    expect(uncertaintyOf(null)).toEqual({ spread: {}, intervals: {}, tests: {} });
  });
});

describe('the Version page', () => {
  it("shows a forecaster's seeds' spread beside each loss, its Diebold–Mariano tests, and the price rankings' rank IC with its chart", () => {
    // Act
    const html = versionBody('lstm', view(newForecaster, score), '../../');
    // Assess
    expect(html).toContain('Across seeds (mean ± std, min … max)');
    expect(html).toContain('0.00312 ± 0.00002 (0.0031 … 0.00315, 5 seeds)');
    expect(html).toContain('<table class="tests">');
    expect(html).toMatch(/Diebold–Mariano \(HLN\), weekly loss<\/td><td>the zero forecast<\/td><td>-1\.42<\/td><td>0\.079<\/td><td>118<\/td>/);
    expect(html).toContain('12-1 momentum IC');
    expect(html).toContain('1-week reversal IC');
    expect(html).toMatch(/-0\.004 <span class="note">\(t 0\.5\)<\/span>/); // momentum, all years
    expect(html).toContain('<p class="ic-gap">');
    const chart = chartsOf(html).find((c) => c.id === 'walk-forward-ic')!;
    expect(chart.series.map((s) => s.label)).toEqual(['model rank IC', 'model rank IC: 90 % interval, high', 'model rank IC: 90 % interval, low', '12-1 momentum', '1-week reversal']);
    expect(chart.bands).toEqual([[1, 2]]);
    // mean ± 1.645 × (mean / t): 0.03 ± 1.645 × 0.02
    expect(chart.series[1].values[0]).toBeCloseTo(0.03 + 1.6448536 * 0.02, 6);
    expect(chart.series[2].values[1]).toBeCloseTo(0.01 - 1.6448536 * 0.02, 6);
    expect(chart.series[3].values).toEqual([0.011, -0.02]);
    expectNoHoles(html);
  });

  it("shows an agent's Sharpe with its 90 % interval, inverse volatility beside equal weight, the seeds and the Sharpe test", () => {
    const html = versionBody('ppo_lstm', view(newAgent), '../../');
    expect(html).toContain('<th>Inverse volatility</th>');
    expect(html).toMatch(/1\.33<div class="interval note">90 % interval 0\.21 … 2\.45<\/div>/);
    expect(html).toContain('1.2 ± 0.3 (0.8 … 1.6, 5 seeds)');
    expect(html).toMatch(/Sharpe difference \(Jobson–Korkie, Memmel\)<\/td><td>equal weight<\/td><td>-0\.13<\/td><td>-0\.4<\/td><td>0\.66<\/td><td>111/);
    expect(html).toMatch(/<td>inverse volatility<\/td><td>-0\.18<\/td>/);
    expect(html).toContain('Sharpe by segment: train 3.1, validation 0.9, evaluation 1.33.');
    const charts = chartsOf(html);
    expect(charts.find((c) => c.id === 'equity')!.series.map((s) => s.label)).toEqual(['agent', 'equal weight', 'inverse volatility']);
    expect(charts.find((c) => c.id === 'drawdown')!.series[2].values).toEqual([0, expect.closeTo(0.02, 12), 0]);
    expect(html).toMatch(/<td>CAGR<\/td><td>21\.00 %<\/td><td>23\.00 %<\/td><td>22\.00 %<\/td><td>—<\/td>/); // no spread stored for CAGR
    expectNoHoles(html);
  });

  it('renders versions stored before any of it as before: no spread, interval, tests or baseline IC', () => {
    const oldScore: WalkForwardScore = { ...score, years: score.years.map(({ baselines: _, ...y }) => y), total: { ...score.total, baselines: undefined } };
    delete oldScore.total.baselines;
    for (const html of [versionBody('lstm', view(oldForecaster, oldScore), '../../'), versionBody('ppo_lstm', view(oldAgent), '../../')]) {
      expect(html).not.toMatch(/Across seeds|class="tests"|interval note|Inverse volatility|momentum|ic-gap/);
      expectNoHoles(html);
    }
    const chart = chartsOf(versionBody('lstm', view(oldForecaster, oldScore), '../../')).find((c) => c.id === 'walk-forward-ic')!;
    expect(chart.series.map((s) => s.label)).toEqual(['model rank IC', 'model rank IC: 90 % interval, high', 'model rank IC: 90 % interval, low']);
  });
});

const row = (metadata: Metadata, claimedAt: string): VersionRow => ({
  view: {
    version: String(metadata.version),
    status: 'SUCCEEDED',
    current: false,
    execution_id: String(metadata.version),
    claimed_at: claimedAt,
    finished_at: claimedAt,
    metrics: metadata.metrics,
    test_vs_baselines: (metadata.test_vs_baselines as string | undefined) ?? null,
    promoted: true,
    snapshots: null,
    error: null,
    hf_url: null,
    publish_error: null,
  },
  metadata,
  response: null,
});

const kindView = (kind: 'lstm' | 'ppo_lstm', rows: VersionRow[]): KindView => ({ kind, current: rows[0].view.version, versions: rows, snapshots: kind === 'lstm' ? [] : undefined, promotions: [] });

describe('the Models page', () => {
  it("charts each forecaster version's test loss with its seeds' band beside both baselines, oldest first, and says the tests' p-values", () => {
    const rows = [row(newForecaster, '2026-08-16T00:00:00Z'), row(oldForecaster, '2026-08-15T00:00:00Z')]; // newest first, as readKind gives them
    const html = kindSection(kindView('lstm', rows), '');
    expect(html).toContain('class="spread" title="across seeds: 0.00312 ± 0.00002 (0.0031 … 0.00315, 5 seeds)">± 0.00002</span>');
    expect(html).toContain('<div class="tests note">vs zero p 0.079, vs mean p 0.62</div>');
    const chart = chartsOf(html)[0];
    expect(chart.id).toBe('versions-test-loss-lstm');
    expect(chart.x).toEqual([Date.parse('2026-08-15T00:00:00Z') / 1000, Date.parse('2026-08-16T00:00:00Z') / 1000]);
    expect(chart.series.map((s) => [s.label, s.values])).toEqual([
      ['test loss', [0.0031, 0.0031]],
      ['test loss: seeds min … max, high', [null, 0.00315]],
      ['test loss: seeds min … max, low', [null, 0.0031]],
      ['always zero', [0.00312, 0.00312]],
      ['mean target', [0.00309, 0.00309]],
    ]);
    expectNoHoles(html);
  });

  it("charts an agent's Sharpe with its 90 % interval beside equal weight and inverse volatility; without any, no band and no inverse volatility", () => {
    const html = kindSection(kindView('ppo_lstm', [row(newAgent, '2026-08-16T00:00:00Z'), row(oldAgent, '2026-08-15T00:00:00Z')]), '');
    expect(html).toContain('Sharpe: agent / equal weight / inverse vol');
    expect(html).toContain('1.33 <span class="interval">[0.21 … 2.45]</span> / 1.46 / 1.51');
    const chart = chartsOf(html)[0];
    expect(chart.series.map((s) => s.label)).toEqual(['agent Sharpe', 'agent Sharpe: 90 % interval, high', 'agent Sharpe: 90 % interval, low', 'equal weight', 'inverse volatility']);
    expect(chart.series[4].values).toEqual([null, 1.51]);
    expectNoHoles(html);

    const old = kindSection(kindView('ppo_lstm', [row(oldAgent, '2026-08-15T00:00:00Z')]), '');
    expect(old).toContain('Sharpe: agent / equal weight</th>');
    expect(chartsOf(old)[0].series.map((s) => s.label)).toEqual(['agent Sharpe', 'equal weight']);
    expect(chartsOf(old)[0].bands).toBeUndefined();
    expectNoHoles(old);
  });

  it('has no chart for a kind whose versions have no metric yet', () => {
    const failed = row({ kind: 'lstm', version: 'v1' }, '2026-08-15T00:00:00Z');
    expect(versionsChart('lstm', [{ ...failed, metadata: null, view: { ...failed.view, metrics: null } }], true)).toBeUndefined();
  });
});
