import { describe, expect, it } from 'vitest';
import { buildWeeklySamples } from '../../src/features/weekly-dataset.ts';
import { splitByDate } from '../../src/models/forecasters/shared/date-split.ts';
import type { DailyBar } from '../../src/ports/market-data.ts';
import { syntheticBars } from './forecaster-fixtures.ts';

const bar = (date: string, open: number, high: number, low: number, close: number, volume: number): DailyBar => ({ date, open, high, low, close, volume });

describe('weekly dataset: target and features', () => {
  // Wed..Fri of the week of 2024-01-01, a full week of 2024-01-08, and a lone Monday where data stops.
  const bars = [
    bar('2024-01-03', 10, 10.5, 9.5, 10, 1000),
    bar('2024-01-04', 10.2, 10.6, 9.9, 10.4, 1500),
    bar('2024-01-05', 10.3, 10.8, 10.1, 10.6, 0),
    bar('2024-01-08', 10.7, 11, 10.5, 10.9, 2000),
    bar('2024-01-09', 10.9, 11.2, 10.8, 11, 2100),
    bar('2024-01-10', 11, 11.1, 10.7, 10.8, 1900),
    bar('2024-01-11', 10.8, 11.3, 10.8, 11.2, 2500),
    bar('2024-01-12', 11.2, 11.5, 11.1, 11.4, 2400),
    bar('2024-01-15', 11.4, 11.6, 11.3, 11.5, 2000),
  ];

  it('computes the weekly return target and the log-return features of the days strictly before the week', () => {
    // Prepare
    const window = { start: '2024-01-01', end: '2024-01-31' };
    // Act
    const samples = buildWeeklySamples({ XYZ: bars }, window, 2);
    // Assess: only the week of 01-08 qualifies (01-01 lacks history, 01-15 is incomplete).
    expect(samples).toHaveLength(1);
    const [s] = samples;
    expect(s).toMatchObject({ symbol: 'XYZ', week: '2024-01-08', weekStart: '2024-01-08', weekEnd: '2024-01-12' });
    expect(s.target).toBeCloseTo(11.4 / 10.7 - 1, 12);
    const expected = [
      // 2024-01-04 against the close of 01-03 (10)
      Math.log(10.2 / 10), Math.log(10.6 / 10), Math.log(9.9 / 10), Math.log(10.4 / 10), Math.log(1501 / 1001),
      // 2024-01-05 against the close of 01-04 (10.4); zero volume stays finite
      Math.log(10.3 / 10.4), Math.log(10.8 / 10.4), Math.log(10.1 / 10.4), Math.log(10.6 / 10.4), Math.log(1 / 1501),
    ];
    expect(s.features).toHaveLength(10);
    [...s.features].forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('keeps a holiday-shortened week and drops weeks outside the window or without a Friday in it', () => {
    // Prepare: Friday 01-12 missing (a holiday), the next week has data.
    const holiday = bars.filter((b) => b.date !== '2024-01-12');
    // Act
    const inWindow = buildWeeklySamples({ XYZ: holiday }, { start: '2024-01-01', end: '2024-01-31' }, 2);
    const endsMidWeek = buildWeeklySamples({ XYZ: holiday }, { start: '2024-01-01', end: '2024-01-11' }, 2);
    const startsLater = buildWeeklySamples({ XYZ: holiday }, { start: '2024-01-09', end: '2024-01-31' }, 2);
    // Assess
    expect(inWindow.map((s) => [s.weekStart, s.weekEnd])).toEqual([['2024-01-08', '2024-01-11']]);
    expect(inWindow[0].target).toBeCloseTo(11.2 / 10.7 - 1, 12);
    expect(endsMidWeek).toEqual([]);
    expect(startsLater).toEqual([]);
  });

  it('rejects bad bars with a clear message', () => {
    // Prepare
    const bad = [...bars.slice(0, 3), { ...bars[3], close: 0 }];
    // Act / Assess
    expect(() => buildWeeklySamples({ XYZ: bad }, { start: '2024-01-01', end: '2024-01-31' }, 2)).toThrow(/XYZ 2024-01-08: close must be a positive number/);
  });
});

describe('weekly dataset: split by date (no leakage)', () => {
  const barsBySymbol = {
    AAA: syntheticBars({ start: '2018-01-01', days: 700, seed: 1 }),
    BBB: syntheticBars({ start: '2018-03-05', days: 640, seed: 2 }),
    CCC: syntheticBars({ start: '2018-01-01', days: 700, seed: 3, startPrice: 20 }),
  };
  const samples = buildWeeklySamples(barsBySymbol, { start: '2018-06-01', end: '2020-12-31' }, 60);

  it('orders train < validation < test by date across all symbols, with the purge gap between each', () => {
    // Prepare
    const gapWeeks = 2;
    // Act
    const split = splitByDate(samples, { trainFraction: 0.6, valFraction: 0.2, gapWeeks });
    // Assess
    const ms = (parts: typeof samples, pick: (...v: number[]) => number) => pick(...parts.map((s) => Date.parse(s.week)));
    const gap = (gapWeeks + 1) * 7 * 86_400_000;
    expect(ms(split.val, Math.min) - ms(split.train, Math.max)).toBeGreaterThanOrEqual(gap);
    expect(ms(split.test, Math.min) - ms(split.val, Math.max)).toBeGreaterThanOrEqual(gap);
    const { summary } = split;
    expect(new Date(ms(split.train, Math.max)).toISOString().slice(0, 10)).toBe(summary.trainLastWeek);
    expect(new Date(ms(split.val, Math.min)).toISOString().slice(0, 10)).toBe(summary.valFirstWeek);
    expect(new Date(ms(split.test, Math.min)).toISOString().slice(0, 10)).toBe(summary.testFirstWeek);
    expect(split.train.every((s) => s.weekEnd < split.val[0].weekStart)).toBe(true);
    expect(split.val.every((s) => s.weekEnd < split.test[0].weekStart)).toBe(true);
    for (const part of [split.val, split.test]) expect(new Set(part.map((s) => s.symbol))).toEqual(new Set(['AAA', 'BBB', 'CCC']));
    const weeks = new Set(samples.map((s) => s.week)).size;
    expect(summary.trainWeeks).toBe(Math.floor(weeks * 0.6));
    expect(summary.valWeeks).toBe(Math.floor(weeks * 0.2));
    expect(summary.trainWeeks + summary.valWeeks + summary.testWeeks + 2 * gapWeeks).toBe(weeks); // the gap weeks are dropped
  });

  it('refuses a split that leaves a segment empty', () => {
    expect(() => splitByDate(samples.slice(0, 6), { trainFraction: 0.6, valFraction: 0.2, gapWeeks: 1 })).toThrow(/too few target weeks/);
  });

  it('builds each feature window from bars strictly before the target week', () => {
    // Prepare: recompute every window from the bars dated before weekStart only.
    for (const s of samples) {
      const before = barsBySymbol[s.symbol as keyof typeof barsBySymbol].filter((b) => b.date < s.weekStart).slice(-61);
      // Act
      const rows = before.slice(1).flatMap((b, i) => {
        const p = before[i];
        return [b.open, b.high, b.low, b.close].map((v) => Math.log(v / p.close)).concat(Math.log((b.volume + 1) / (p.volume + 1)));
      });
      // Assess
      expect(s.features).toEqual(Float32Array.from(rows));
    }
    expect(samples.length).toBeGreaterThan(300);
  });
});
