/**
 * The rank-IC baselines of the walk-forward score: 12-1 momentum and 1-week reversal, on small
 * synthetic bars. Each signal reads only bars before the week's first session (changing any later
 * bar changes neither a signal nor the score), and each is scored by the model's weekly rank IC on
 * the model's weeks.
 */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/data/dates.ts';
import { isoWeekMonday } from '../../src/features/iso-week.ts';
import { mulberry32 } from '../../src/ml/random.ts';
import type { DailyBar } from '../../src/ports/market-data.ts';
import { weeklyRankIc } from '../../src/snapshots/format-forecasts.ts';
import { baselineRows, lastBarBefore, momentum12_1, reversal1w } from '../../src/snapshots/rank-baselines.ts';
import { scoreByYear } from '../../src/snapshots/walk-forward-score.ts';
import type { WalkForwardRow } from '../../src/snapshots/walk-forward.ts';

/** Weekday bars from 2019-01-01 for `days` days, a seeded random walk per symbol. */
function walk(seed: number, days: number, skip: ReadonlySet<string> = new Set()): DailyBar[] {
  const rng = mulberry32(seed);
  const bars: DailyBar[] = [];
  let close = 100;
  for (let date = '2019-01-01'; bars.length < days; date = addDays(date, 1)) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6 || skip.has(date)) continue;
    const open = close * (1 + (rng() - 0.5) * 0.01);
    close = open * (1 + (rng() - 0.5) * 0.04);
    bars.push({ date, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1000 });
  }
  return bars;
}

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];

/** Rows of each week from the 300th bar on, forecasts and outcomes as the model's rows carry them. */
function modelRows(bars: Map<string, DailyBar[]>, seed: number): WalkForwardRow[] {
  const rng = mulberry32(seed);
  const rows: WalkForwardRow[] = [];
  for (const symbol of SYMBOLS) {
    const b = bars.get(symbol)!;
    for (let i = 300; i < b.length; i++) {
      if (isoWeekMonday(b[i].date) === isoWeekMonday(b[i - 1].date)) continue; // not a week's first session
      let last = i;
      while (last + 1 < b.length && isoWeekMonday(b[last + 1].date) === isoWeekMonday(b[i].date)) last++;
      const snapshot = b[i].date < '2020-06-01' ? '2019-12-31' : '2020-05-31';
      rows.push({ symbol, weekStart: b[i].date, weekEnd: b[last].date, forecast: rng() - 0.5, snapshot, walk_forward: 'snapshot', realised: b[last].close / b[i].open - 1 });
    }
  }
  return rows;
}

const barsOf = () => new Map(SYMBOLS.map((s, i) => [s, walk(i + 1, 420)]));

describe('12-1 momentum and 1-week reversal', () => {
  it('momentum is the return from 252 to 21 sessions before the week, reversal minus the last week close to close', () => {
    // Prepare
    const bars = walk(7, 300);
    const monday = bars.findIndex((b, i) => i > 270 && new Date(`${b.date}T00:00:00Z`).getUTCDay() === 1);
    // Act
    const momentum = momentum12_1(bars, bars[monday].date);
    const reversal = reversal1w(bars, bars[monday].date);
    // Assess
    const last = monday - 1; // the Friday before
    expect(lastBarBefore(bars, bars[monday].date)).toBe(last);
    expect(momentum).toBeCloseTo(bars[last - 21].close / bars[last - 252].close - 1, 12);
    expect(reversal).toBeCloseTo(-(bars[last].close / bars[last - 5].close - 1), 12); // Friday over the Friday before
    expect(momentum12_1(bars, bars[252].date)).toBeNull(); // 252 bars before: one short
    expect(momentum12_1(bars, bars[253].date)).not.toBeNull();
    expect(reversal1w(bars, bars[3].date)).toBeNull(); // no week before the first one
  });

  it('a holiday Friday: the last week ends on Thursday and is set against the close of the week before', () => {
    // Prepare: 2019-07-05 (a Friday) has no session
    const bars = walk(3, 200, new Set(['2019-07-05']));
    const i = bars.findIndex((b) => b.date === '2019-07-08');
    const thursday = bars.findIndex((b) => b.date === '2019-07-04');
    const friday = bars.findIndex((b) => b.date === '2019-06-28');
    // Act / Assess
    expect(reversal1w(bars, bars[i].date)).toBeCloseTo(-(bars[thursday].close / bars[friday].close - 1), 12);
  });

  it('reads no bar on or after the week: changing every later bar changes no signal', () => {
    // Prepare
    const bars = barsOf();
    const rows = modelRows(bars, 11);
    for (const name of ['momentum_12_1', 'reversal_1w'] as const) {
      const full = baselineRows(name, rows, bars);
      expect(full.length).toBe(rows.length);
      for (const row of full) {
        // Act: the bars as they were known before the week, every later one changed
        const known = new Map([...bars].map(([s, b]) => [s, b.map((bar) => (bar.date >= row.weekStart ? { ...bar, close: bar.close * 3, open: bar.open * 0.5 } : bar))]));
        const [again] = baselineRows(name, [row], known);
        // Assess
        expect(again.forecast).toBe(row.forecast);
      }
    }
  });

  it('scores each baseline by the weekly rank IC on the model\'s weeks, per snapshot year and in total; a later bar changes nothing', () => {
    // Prepare: the outcome is last week's reversal signal, so reversal ranks every week perfectly
    const bars = barsOf();
    const rows = modelRows(bars, 5).map((r) => ({ ...r, realised: reversal1w(bars.get(r.symbol)!, r.weekStart)! * 2 + 0.001 }));
    const baselines = { momentum_12_1: baselineRows('momentum_12_1', rows, bars), reversal_1w: baselineRows('reversal_1w', rows, bars) };
    // Act
    const score = scoreByYear(rows, ['2019-12-31', '2020-05-31'], baselines);
    // Assess
    const total = score.total.baselines!;
    expect(total.reversal_1w.rank_ic_mean).toBeCloseTo(1, 12);
    expect(total.reversal_1w.rank_ic_weeks).toBe(score.total.rank_ic_weeks);
    expect(total.momentum_12_1.rank_ic_mean).toBeCloseTo(weeklyRankIc(baselines.momentum_12_1).mean!, 12);
    expect(total.momentum_12_1.rank_ic_t).toBeCloseTo(weeklyRankIc(baselines.momentum_12_1).tStat!, 12);
    const model = weeklyRankIc(rows);
    expect(total.reversal_1w.model_minus_baseline).toBeCloseTo(model.mean! - 1, 12);
    expect(score.years.map((y) => y.baselines!.reversal_1w.rank_ic_weeks)).toEqual(score.years.map((y) => y.rank_ic_weeks));
    expect(score.years[0].rank_ic_weeks + score.years[1].rank_ic_weeks).toBe(score.total.rank_ic_weeks);

    // A change to the bars after the last week scored (and within it) leaves the score as it was.
    const lastWeek = rows.map((r) => r.weekStart).sort().at(-1)!;
    const later = new Map([...bars].map(([s, b]) => [s, b.map((bar) => (bar.date >= lastWeek ? { ...bar, close: bar.close * 1.7 } : bar))]));
    const again = scoreByYear(rows, ['2019-12-31', '2020-05-31'], { momentum_12_1: baselineRows('momentum_12_1', rows, later), reversal_1w: baselineRows('reversal_1w', rows, later) });
    expect(again).toEqual(score);
  });

  it('scores without baselines as before (no baselines field)', () => {
    const bars = barsOf();
    const score = scoreByYear(modelRows(bars, 2), ['2019-12-31', '2020-05-31']);
    expect(score.total.baselines).toBeUndefined();
    expect(score.years[0].baselines).toBeUndefined();
  });
});
