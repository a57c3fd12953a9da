/**
 * Issue 19, weeks dropped from the agents' panel: the row before a dropped week holds through it
 * (its return runs to the first open of the next kept row's week), so a one-pass evaluation keeps
 * the skipped weeks' P&L without a rebalance; a symbol that stops trading inside the gap is sold at
 * its last close in that row; weeksSkipped counts the calendar weeks a range skips. On the bundled
 * prices (real bars), with forecasts of 0 and no signals (neither is under test here).
 */
import { describe, expect, it } from 'vitest';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { addDays } from '../../src/data/dates.ts';
import { buildRawPanel, selectWeeks, type RawPanel } from '../../src/models/agents/env/build-panel.ts';
import { equalWeightBenchmark, evaluatePolicy } from '../../src/models/agents/env/evaluate-policy.ts';
import { projectWeights } from '../../src/models/agents/env/project-weights.ts';
import { weeksSkipped, type WeeklyPanel } from '../../src/models/agents/env/weekly-panel.ts';
import type { ForecastReader } from '../../src/models/forecasts.ts';
import type { DailyBar, MarketData } from '../../src/ports/market-data.ts';

const sample = new SampleMarketData();
const INPUT = { forecaster: 'lstm' as const, symbols: ['AAPL', 'MSFT'], window: { start: '2022-01-03', end: '2022-04-29' }, lookbackDays: 70, returnDays: 20, volatilityDays: 60 };
/** The week left out: AAPL has no forecast for it. Its Monday's successor, 2022-02-21, is a holiday. */
const DROPPED = '2022-02-14';
const BEFORE = '2022-02-07';
const signalReader = (_: string, dates: readonly string[]) => new Float32Array(dates.length * 6);

/** A forecast of 0 for every symbol and Monday of the window, except AAPL's in `missing`. */
function forecastsWithout(missing: readonly string[]): ForecastReader {
  const mondays = Array.from({ length: 18 }, (_, i) => addDays('2022-01-03', 7 * i));
  return async ({ symbols, window }) => ({
    rows: symbols.flatMap((symbol) =>
      mondays.filter((w) => w <= window.end && !(symbol === 'AAPL' && missing.includes(w))).map((weekStart) => ({ symbol, weekStart, forecast: 0, snapshot: '2021-12-31' })),
    ),
    walkForward: 'snapshots',
  });
}

/** The bundled prices, with MSFT's last bar on `lastDay`. */
function delisted(lastDay: string): MarketData {
  return {
    source: 'sample',
    dailyBars: async (symbol, range) => (await sample.dailyBars(symbol, range)).filter((b) => symbol !== 'MSFT' || b.date <= lastDay),
    lastDate: () => sample.lastDate(),
  };
}

/** The first bar on or after `date`. */
async function firstOnOrAfter(symbol: string, date: string): Promise<DailyBar> {
  return (await sample.dailyBars(symbol, { start: date, end: addDays(date, 10) }))[0];
}

function panelOf(raw: RawPanel): WeeklyPanel {
  const S = raw.symbols.length;
  return { weeks: raw.weeks, symbols: raw.symbols, featureNames: ['zero'], features: new Float32Array(raw.weeks.length * S), returns: raw.returns, ...(raw.tradable ? { tradable: raw.tradable } : {}) };
}

describe('a week dropped from the panel', () => {
  it('is held through: the row before it returns to the first open of the next kept week; every other row is unchanged', async () => {
    // Prepare
    const full = await buildRawPanel(INPUT, { marketData: sample, forecasts: forecastsWithout([]), signalReader });
    // Act
    const gapped = await buildRawPanel(INPUT, { marketData: sample, forecasts: forecastsWithout([DROPPED]), signalReader });
    // Assess
    expect(gapped.weeks).toEqual(full.weeks.filter((w) => w !== DROPPED));
    const row = gapped.weeks.indexOf(BEFORE);
    expect(gapped.weeks[row + 1]).toBe('2022-02-21');
    for (const [s, symbol] of INPUT.symbols.entries()) {
      const [open, next] = [await firstOnOrAfter(symbol, BEFORE), await firstOnOrAfter(symbol, '2022-02-21')];
      expect(next.date).toBe('2022-02-22'); // Presidents' Day: the first session on or after the Monday
      expect(gapped.returns[row * 2 + s]).toBeCloseTo(next.open / open.open - 1, 12);
      // Holding through = the two weeks the full panel steps through, compounded.
      const f = full.weeks.indexOf(BEFORE);
      expect(1 + gapped.returns[row * 2 + s]).toBeCloseTo((1 + full.returns[f * 2 + s]) * (1 + full.returns[(f + 1) * 2 + s]), 12);
    }
    gapped.weeks.forEach((week, w) => {
      if (week === BEFORE) return;
      const f = full.weeks.indexOf(week);
      expect(Array.from(gapped.returns.subarray(w * 2, w * 2 + 2)), week).toEqual(Array.from(full.returns.subarray(f * 2, f * 2 + 2)));
      expect(Array.from(gapped.raw.subarray(w * 18, w * 18 + 18)), week).toEqual(Array.from(full.raw.subarray(f * 18, f * 18 + 18)));
    });
    expect(weeksSkipped(gapped, { fromWeek: 0, toWeek: gapped.weeks.length })).toBe(1);
    expect(weeksSkipped(full, { fromWeek: 0, toWeek: full.weeks.length })).toBe(0);
  });

  it('is held in a one-pass evaluation with no rebalance: the equity is that of holding through, the next row trades from the drifted weights', async () => {
    // Prepare: start all cash on the row before the gap.
    const raw = await buildRawPanel(INPUT, { marketData: sample, forecasts: forecastsWithout([DROPPED]), signalReader });
    const panel = panelOf(raw);
    const from = raw.weeks.indexOf(BEFORE);
    const range = { fromWeek: from, toWeek: from + 2 };
    // Act
    const equal = equalWeightBenchmark(panel, range);
    const logits = [1, 0.5, 0];
    const agent = evaluatePolicy(panel, range, () => logits);
    // Assess: value by hand from the bars, 10 bps on the turnover from all cash.
    const ratio = await Promise.all(INPUT.symbols.map(async (s) => (await firstOnOrAfter(s, '2022-02-21')).open / (await firstOnOrAfter(s, BEFORE)).open));
    for (const [path, target] of [
      [equal, [0.2, 0.2, 0.6]],
      [agent, Array.from(projectWeights(logits, { maxStockWeight: 0.2, minCash: 0.02 }))],
    ] as const) {
      const turnover = (Math.abs(target[0]) + Math.abs(target[1]) + Math.abs(target[2] - 1)) / 2;
      const held = [target[0] * ratio[0], target[1] * ratio[1], target[2]];
      const value = held.reduce((a, b) => a + b, 0);
      expect(path.weeks).toEqual([BEFORE, '2022-02-21']);
      expect(path.equity[0]).toBeCloseTo((1 - 0.001 * turnover) * value, 12);
      // The second row rebalances from the weights drifted over both weeks.
      const drifted = held.map((h) => h / value);
      expect(path.turnover[1]).toBeCloseTo(drifted.reduce((sum, d, i) => sum + Math.abs(path.weights[1][i] - d), 0) / 2, 12);
    }
  });

  it('sells a symbol that stops trading inside the gap at its last close in the row before it, then holds it as cash', async () => {
    // Prepare: MSFT's last session Wednesday 2022-02-16, in the dropped week.
    const raw = await buildRawPanel(INPUT, { marketData: delisted('2022-02-16'), forecasts: forecastsWithout([DROPPED]), signalReader });
    // Act
    const row = raw.weeks.indexOf(BEFORE);
    // Assess
    expect(raw.ended).toEqual({ MSFT: '2022-02-16' });
    const [open, last] = [await firstOnOrAfter('MSFT', BEFORE), (await sample.dailyBars('MSFT', { start: '2022-02-16', end: '2022-02-16' }))[0]];
    expect(raw.returns[row * 2 + 1]).toBeCloseTo(last.close / open.open - 1, 12);
    expect([raw.tradable![row * 2], raw.tradable![row * 2 + 1]]).toEqual([1, 1]);
    for (let w = row + 1; w < raw.weeks.length; w++) expect([raw.tradable![w * 2 + 1], raw.returns[w * 2 + 1]]).toEqual([0, 0]);
  });

  it('counts the calendar weeks a range skips; toy labels skip none', () => {
    const weeks = ['2020-01-06', '2020-01-13', '2020-02-03', '2020-02-10', '2020-02-24'];
    expect(weeksSkipped({ weeks }, { fromWeek: 0, toWeek: 5 })).toBe(3); // 01-20, 01-27 and 02-17
    expect(weeksSkipped({ weeks }, { fromWeek: 2, toWeek: 4 })).toBe(0);
    expect(weeksSkipped({ weeks: ['w0', 'w5'] }, { fromWeek: 0, toWeek: 2 })).toBe(0);
  });
});

describe('selectWeeks', () => {
  const panel: RawPanel = {
    weeks: ['2022-01-03', '2022-01-10', '2022-01-17', '2022-01-24'],
    symbols: ['A', 'B'],
    featureNames: ['f'],
    raw: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    returns: Float64Array.of(0.1, -0.05, 0.02, 0.01, -0.03, 0.04, 0.05, 0),
    snapshots: [],
  };

  it('holds a kept row through the rows left out after it (its return compounds theirs), as across a gap', () => {
    const picked = selectWeeks(panel, ['2022-01-03', '2022-01-24']);
    expect(picked.weeks).toEqual(['2022-01-03', '2022-01-24']);
    expect(picked.returns[0]).toBeCloseTo(1.1 * 1.02 * 0.97 - 1, 15);
    expect(picked.returns[1]).toBeCloseTo(0.95 * 1.01 * 1.04 - 1, 15);
    expect(Array.from(picked.returns.subarray(2))).toEqual([0.05, 0]);
    expect(Array.from(picked.raw)).toEqual([1, 2, 7, 8]);
  });

  it('drops the rows before the first kept one and after the last, and keeps consecutive rows as they are', () => {
    const picked = selectWeeks(panel, ['2022-01-10', '2022-01-17']);
    expect(Array.from(picked.returns)).toEqual([0.02, 0.01, -0.03, 0.04]);
  });
});
