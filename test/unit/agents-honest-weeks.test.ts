/**
 * Issue 19, the agents' weeks: the full split's validation segment between gaps and training ending
 * at the universe's date, the fine-tune's gap, the truncation bootstrap that reads training weeks only,
 * dropped weeks that end an episode segment, a symbol that stops trading held as cash, the
 * inverse-volatility baseline, the best validation checkpoint, and the Sharpe intervals and tests.
 */
import { describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { addDays } from '../../src/data/dates.ts';
import { buildRawPanel } from '../../src/models/agents/env/build-panel.ts';
import { PortfolioVectorEnv, equalWeightBenchmark, evaluatePolicy, inverseVolatilityBenchmark } from '../../src/models/agents/env/portfolio-env.ts';
import { contiguousSegments, type WeeklyPanel } from '../../src/models/agents/env/weekly-panel.ts';
import { finetuneSplit, firstWeekAfter, fullSplit, splitCounts, universeAsOf } from '../../src/models/agents/agent-weeks.ts';
import type { RawPanel } from '../../src/models/agents/env/build-panel.ts';
import { BestCheckpoint, validationScore } from '../../src/models/agents/checkpoints.ts';
import { sharpeIntervals, sharpeTests } from '../../src/models/agents/agent-evidence.ts';
import type { ForecastReader } from '../../src/models/forecasts.ts';
import type { MarketData } from '../../src/ports/market-data.ts';

/** Consecutive Mondays from `first`, except the indices in `skip` (weeks left out of the panel). */
function mondays(first: string, count: number, skip: readonly number[] = []): string[] {
  return Array.from({ length: count }, (_, i) => addDays(first, 7 * i)).filter((_, i) => !skip.includes(i));
}

/** A panel whose one feature of every symbol is the row's index, so an observation tells its row. */
function datedPanel(weeks: string[], S = 2): WeeklyPanel {
  return {
    weeks,
    symbols: Array.from({ length: S }, (_, s) => `S${s}`),
    featureNames: ['row'],
    features: Float32Array.from({ length: weeks.length * S }, (_, i) => Math.floor(i / S)),
    returns: new Float64Array(weeks.length * S).fill(0.001),
  };
}

function rawOf(weeks: string[]): RawPanel {
  return { weeks, symbols: ['A'], featureNames: ['f'], raw: new Float64Array(weeks.length), returns: new Float64Array(weeks.length), snapshots: [] };
}

const SPLIT = { evalFraction: 0.2, gapWeeks: 4, validation: { fraction: 0.15, checkpoints: 10 } };

describe('the agents’ splits', () => {
  it('full: train | 4 gap | validation | 4 gap | evaluation, the last 20 % evaluated and 15 % validated', () => {
    const split = fullSplit(rawOf(mondays('2016-01-04', 100)), SPLIT);
    expect(split).toEqual({ train: { fromWeek: 0, toWeek: 57 }, validation: { fromWeek: 61, toWeek: 76 }, evaluation: { fromWeek: 80, toWeek: 100 } });
  });

  it('full with the universe’s date: training ends at the last week on or before it; the plan’s calendar estimate gives the same split on a complete panel', () => {
    const window = { start: '2011-01-03', end: '2019-12-27' };
    const first = firstWeekAfter('2015-12-31');
    expect(first).toBe('2016-01-04');
    const asOf = universeAsOf(window, first, SPLIT);
    // Every Monday from 2016-01-04 to the week before the window's last week.
    const weeks = mondays(first, 1000).filter((w) => w <= addDays('2019-12-23', -7));
    const byCounts = fullSplit(rawOf(weeks), SPLIT);
    const byDate = fullSplit(rawOf(weeks), { ...SPLIT, universeAsOf: asOf });
    expect(byDate).toEqual(byCounts);
    expect(weeks[byDate.train.toWeek - 1]).toBe(asOf);
    // A panel missing early weeks still trains up to the same date, never past it.
    const shorter = fullSplit(rawOf(weeks.slice(10)), { ...SPLIT, universeAsOf: asOf });
    expect(weeks.slice(10)[shorter.train.toWeek - 1]).toBe(asOf);
    expect(shorter.validation!.fromWeek).toBe(shorter.train.toWeek + 4);
  });

  it('full: refuses a panel too short for training, validation and evaluation', () => {
    expect(() => fullSplit(rawOf(mondays('2016-01-04', 12)), SPLIT)).toThrow(/too few to train, validate and evaluate/);
    expect(splitCounts(100, SPLIT)).toEqual({ trainTo: 57, evalFrom: 80 });
  });

  it('fine-tune: 26 training weeks, a 4-week gap, 13 evaluation weeks at the end; no validation', () => {
    const split = finetuneSplit(rawOf(mondays('2022-01-03', 43)), { finetune: { trainWeeks: 26, gapWeeks: 4, evalWeeks: 13 } });
    expect(split).toEqual({ train: { fromWeek: 0, toWeek: 26 }, evaluation: { fromWeek: 30, toWeek: 43 } });
  });
});

describe('episodes and dropped weeks', () => {
  it('cuts a range where the panel skips a week; toy labels that are not dates count as consecutive', () => {
    const weeks = mondays('2020-01-06', 10, [4]);
    expect(contiguousSegments({ weeks }, { fromWeek: 0, toWeek: weeks.length })).toEqual([
      { fromWeek: 0, toWeek: 4 },
      { fromWeek: 4, toWeek: 9 },
    ]);
    expect(contiguousSegments({ weeks: ['w0', 'w1', 'w2'] }, { fromWeek: 0, toWeek: 3 })).toEqual([{ fromWeek: 0, toWeek: 3 }]);
  });

  it('never steps across a dropped week: an episode ends at its segment’s end and bootstraps from its own last week', () => {
    // Prepare: rows 0..29 then a dropped week, rows 30..59; 52-week episodes do not fit in either segment.
    const panel = datedPanel(mondays('2020-01-06', 61, [30]));
    const env = new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: 60 }, numEnvs: 3, seed: 11 });
    let obs = env.reset();
    const rowOf = (o: Float32Array, i: number) => o[i * env.obsDim];
    // Act & Assess: 200 steps, every env.
    for (let t = 0; t < 200; t++) {
      const before = obs;
      const step = env.step(new Float32Array(3 * env.actDim));
      obs = step.obs;
      for (let i = 0; i < 3; i++) {
        const row = rowOf(before, i);
        if (step.truncated[i]) {
          // Whole-segment episodes: they end at row 29 or 59 and read that row, not the next segment's.
          expect([29, 59]).toContain(row);
          expect(step.finalObs[i]![0]).toBe(row);
          expect([0, 30]).toContain(rowOf(obs, i));
        } else {
          expect(rowOf(obs, i)).toBe(row + 1);
          expect(row).not.toBe(29);
        }
      }
    }
  });

  it('draws the same episodes as before segments when the range has none', () => {
    const weeks = mondays('2020-01-06', 120);
    const starts = (labels: string[]) => {
      const env = new PortfolioVectorEnv(datedPanel(labels), { weekRange: { fromWeek: 5, toWeek: 110 }, numEnvs: 4, seed: 3 });
      return Array.from(env.reset().filter((_, k) => k % env.obsDim === 0));
    };
    expect(starts(weeks)).toEqual(starts(weeks.map((_, i) => `w${i}`)));
  });
});

describe('a symbol that stops trading', () => {
  /** The bundled prices, with MSFT's last bar on `lastDay`. */
  function delisted(lastDay: string): MarketData {
    const sample = new SampleMarketData();
    return {
      source: 'sample',
      dailyBars: async (symbol, range) => (await sample.dailyBars(symbol, range)).filter((b) => symbol !== 'MSFT' || b.date <= lastDay),
      lastDate: () => sample.lastDate(),
    };
  }
  /** A forecast of 0 for every symbol and week of the window (the forecaster is not under test here). */
  const zeroForecasts: ForecastReader = async ({ symbols, window }) => ({
    rows: symbols.flatMap((symbol) => mondays('2022-01-03', 30).filter((w) => w <= window.end).map((weekStart) => ({ symbol, weekStart, forecast: 0, snapshot: '2021-12-31' }))),
    walkForward: 'snapshots',
  });

  it('is sold at its last close and held as cash afterwards: its weeks stay in the panel, its weight goes to cash', async () => {
    // Prepare: MSFT's last session Wednesday 2022-03-09.
    const input = { forecaster: 'lstm' as const, symbols: ['AAPL', 'MSFT'], window: { start: '2022-01-03', end: '2022-04-29' }, lookbackDays: 70, returnDays: 20, volatilityDays: 60 };
    const deps = { forecasts: zeroForecasts, signalReader: (_: string, dates: readonly string[]) => new Float32Array(dates.length * 6) };
    const full = await buildRawPanel(input, { ...deps, marketData: new SampleMarketData() });
    const raw = await buildRawPanel(input, { ...deps, marketData: delisted('2022-03-09') });
    // Act
    const lastWeek = raw.weeks.indexOf('2022-03-07');
    const bars = await new SampleMarketData().dailyBars('MSFT', { start: '2022-03-07', end: '2022-03-09' });
    // Assess
    expect(raw.weeks).toEqual(full.weeks);
    expect(raw.ended).toEqual({ MSFT: '2022-03-09' });
    expect(raw.returns[lastWeek * 2 + 1]).toBeCloseTo(bars.at(-1)!.close / bars[0].open - 1, 12);
    expect(Array.from(raw.tradable!.subarray(0, (lastWeek + 1) * 2)).every((x) => x === 1)).toBe(true);
    for (let w = lastWeek + 1; w < raw.weeks.length; w++) {
      expect([raw.tradable![w * 2], raw.tradable![w * 2 + 1], raw.returns[w * 2 + 1]]).toEqual([1, 0, 0]);
      expect(Number.isNaN(raw.raw[(w * 2 + 1) * raw.featureNames.length])).toBe(true);
    }
    const panel: WeeklyPanel = { weeks: raw.weeks, symbols: raw.symbols, featureNames: ['zero'], features: new Float32Array(raw.weeks.length * 2), returns: raw.returns, tradable: raw.tradable };
    const path = equalWeightBenchmark(panel, { fromWeek: 0, toWeek: raw.weeks.length });
    [0.2, 0.2, 0.6].forEach((v, j) => expect(path.weights[lastWeek][j]).toBeCloseTo(v, 12));
    [0.2, 0, 0.8].forEach((v, j) => expect(path.weights[lastWeek + 1][j]).toBeCloseTo(v, 12));
    const agent = evaluatePolicy(panel, { fromWeek: 0, toWeek: raw.weeks.length }, () => [5, 5, 0]);
    agent.weights.slice(lastWeek + 1).forEach((w) => expect(w[1]).toBe(0));
  });
});

describe('the inverse-volatility baseline', () => {
  it('weighs each stock by 1/σ measured before the week, scaled to 1 − minCash, capped, the excess to cash (hand case)', () => {
    // Prepare: σ = 0.01, 0.02, 0.04 → 1/σ ∝ 4 : 2 : 1 → 0.98·(4/7, 2/7, 1/7) = 0.56, 0.28, 0.14; the cap 0.4 moves 0.16 to cash.
    const panel = datedPanel(mondays('2020-01-06', 2), 3);
    const volatility = [0.01, 0.02, 0.04, 0.01, Number.NaN, 0.04];
    // Act
    const path = inverseVolatilityBenchmark(panel, { fromWeek: 0, toWeek: 2 }, volatility, { maxStockWeight: 0.4, minCash: 0.02, costBps: 0 });
    // Assess
    [0.4, 0.28, 0.14, 0.18].forEach((v, j) => expect(path.weights[0][j]).toBeCloseTo(v, 12));
    // An unknown σ takes the median of the week's known ones (0.01, 0.04 → the lower middle, 0.01).
    [0.4, 0.4, 0.98 / 9, 1 - 0.8 - 0.98 / 9].forEach((v, j) => expect(path.weights[1][j]).toBeCloseTo(v, 12));
    expect(path.weeklyReturns[0]).toBeCloseTo(0.001 * 0.82, 12);
  });
});

describe('validation checkpoints', () => {
  /** A stand-in policy: a fixed action, disposable and clonable like the agents. */
  class FixedAgent {
    static live = 0;
    readonly obsDim = 3;
    disposed = false;
    constructor(readonly logits: number[]) {
      FixedAgent.live++;
    }
    act = () => this.logits;
    clone = () => new FixedAgent([...this.logits]);
    dispose() {
      if (!this.disposed) FixedAgent.live--;
      this.disposed = true;
    }
  }

  it('keeps the copy that scores best on the validation weeks and frees the others', () => {
    // Prepare: stock S0 earns +1 %, S1 loses 1 % a week, noise so the Sharpe is finite.
    const weeks = mondays('2020-01-06', 30);
    const panel: WeeklyPanel = { ...datedPanel(weeks), returns: Float64Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01) + 0.002 * Math.sin(i)) };
    const score = validationScore(panel, { fromWeek: 10, toWeek: 30 }, { maxStockWeight: 0.2, minCash: 0.02, costBps: 10 });
    const best = new BestCheckpoint<FixedAgent>(score);
    const agent = new FixedAgent([0, 5, 0]); // all in the losing stock
    // Act: the run's agent improves, then gets worse again.
    best.offer(agent, 1);
    agent.logits.splice(0, 3, 5, 0, 0);
    best.offer(agent, 2);
    agent.logits.splice(0, 3, 0, 0, 5);
    best.offer(agent, 3);
    const chosen = best.take(agent);
    // Assess
    expect(best.history.map((h) => h.at)).toEqual([1, 2, 3]);
    expect(best.history[1].score).toBeGreaterThan(best.history[2].score);
    expect(best.history[2].score).toBeGreaterThan(best.history[0].score);
    expect(chosen.best).toEqual(best.history[1]);
    expect(chosen.agent.logits).toEqual([5, 0, 0]);
    expect(agent.disposed).toBe(true);
    expect(FixedAgent.live).toBe(1);
  });
});

describe('Sharpe intervals and tests', () => {
  it('gives each path’s 90 % interval and the one-sided Jobson–Korkie–Memmel p-value against each baseline', () => {
    const agent = Array.from({ length: 104 }, (_, t) => 0.004 + 0.02 * Math.sin(t * 1.3));
    const baseline = Array.from({ length: 104 }, (_, t) => 0.002 + 0.02 * Math.sin(t * 1.3 + 0.2));
    const intervals = sharpeIntervals({ eval_sharpe: agent, short: [0.01, 0.02] });
    expect(Object.keys(intervals)).toEqual(['eval_sharpe']);
    expect(intervals.eval_sharpe.level).toBe(0.9);
    expect(intervals.eval_sharpe.low).toBeLessThan(intervals.eval_sharpe.high);
    const tests = sharpeTests(agent, { sharpe_vs_equal_weight: { against: 'equal_weight', returns: baseline } });
    expect(tests.sharpe_vs_equal_weight).toMatchObject({ method: 'jobson_korkie_memmel', against: 'equal_weight', weeks: 104 });
    expect(tests.sharpe_vs_equal_weight.difference).toBeGreaterThan(0);
    expect(tests.sharpe_vs_equal_weight.p_value).toBeGreaterThan(0);
    expect(tests.sharpe_vs_equal_weight.p_value).toBeLessThan(0.5);
  });
});
