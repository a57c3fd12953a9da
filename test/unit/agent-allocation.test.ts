/** The pure parts of `mizan allocate`: the portfolio's checks, the rebalance's cost by hand, which week is decided, and the pre-week price view. */
import { describe, expect, it } from 'vitest';
import { lastCompleteWeekEnd, marketDataBeforeWeek, resolveDecisionWeek } from '../../src/models/agents/allocation/decision-week.ts';
import { withNotTrading } from '../../src/models/agents/allocation/not-trading.ts';
import { heldPortfolio, parsePortfolio } from '../../src/models/agents/allocation/portfolio.ts';
import type { RawPanel } from '../../src/models/agents/env/build-panel.ts';
import { rebalanceCost } from '../../src/models/agents/allocation/rebalance-cost.ts';
import { UserInputError } from '../../src/config/errors.ts';
import type { DailyBar, MarketData } from '../../src/ports/market-data.ts';

const SYMBOLS = ['AAPL', 'MSFT'];

function refusal(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserInputError) return error;
    throw error;
  }
  throw new Error('expected a UserInputError');
}

describe('a portfolio given to allocate', () => {
  it('weighs cash and positions in the agent’s order, cash last', () => {
    const held = heldPortfolio({ cash: 50, positions: { MSFT: 20, AAPL: 30 } }, SYMBOLS);
    expect(held.value).toBe(100);
    expect(Array.from(held.weights)).toEqual([0.3, 0.2, 0.5]);
    expect(Array.from(heldPortfolio({ positions: { AAPL: 10 } }, SYMBOLS).weights)).toEqual([1, 0, 0]);
  });

  it('refuses an unknown symbol, a negative value and an empty portfolio, naming the field', () => {
    const unknown = refusal(() => heldPortfolio({ cash: 10, positions: { TSLA: 5 } }, SYMBOLS));
    expect(unknown.path).toEqual(['positions', 'TSLA']);
    expect(unknown.message).toBe("positions.TSLA: not one of the agent's symbols (AAPL, MSFT)");
    const negative = refusal(() => heldPortfolio({ cash: 10, positions: { AAPL: -1 } }, SYMBOLS));
    expect(negative.path).toEqual(['positions', 'AAPL']);
    expect(negative.message).toMatch(/^positions\.AAPL: a market value must be ≥ 0, got -1$/);
    expect(refusal(() => heldPortfolio({ cash: -5 }, SYMBOLS)).path).toEqual(['cash']);
    expect(refusal(() => heldPortfolio({ cash: 1e308, positions: { AAPL: 1e308 } }, SYMBOLS)).path).toEqual(['positions']);
    for (const empty of [{}, { cash: 0 }, { cash: 0, positions: { AAPL: 0 } }]) {
      const error = refusal(() => heldPortfolio(empty, SYMBOLS));
      expect(error.path).toEqual(['positions']);
      expect(error.message).toMatch(/the portfolio is empty/);
    }
  });

  it('parses a file’s JSON strictly: wrong types and unknown keys are named', () => {
    expect(parsePortfolio({ cash: 1, positions: { AAPL: 2 } })).toEqual({ cash: 1, positions: { AAPL: 2 } });
    expect(refusal(() => parsePortfolio({ cash: '1' })).path).toEqual(['cash']);
    expect(refusal(() => parsePortfolio({ positions: { AAPL: 'x' } })).path).toEqual(['positions', 'AAPL']);
    const extra = refusal(() => parsePortfolio({ cash: 1, stocks: {} }));
    expect(extra.path).toEqual(['stocks']);
    expect(extra.message).toMatch(/^stocks: unknown key/);
    expect(refusal(() => parsePortfolio([1, 2])).path).toEqual(['portfolio']);
  });

  it('refuses, by name, a position that is no ticker: __proto__ (an own key of parsed JSON), constructor, prototype', () => {
    for (const name of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'aapl', '']) {
      for (const cash of [0, 1]) {
        const error = refusal(() => parsePortfolio(JSON.parse(`{"cash": ${cash}, "positions": {${JSON.stringify(name)}: 5, "AAPL": 1}}`)));
        expect(error.path, name).toEqual(['positions', name]);
        expect(error.message, name).toBe(`positions.${name}: not a ticker symbol (such as AAPL or BRK-B)`);
      }
    }
    // Given as parsed JSON without the schema (the programmatic path), the agent's symbols refuse it.
    const proto = refusal(() => heldPortfolio(JSON.parse('{"cash": 0, "positions": {"__proto__": 5}}'), SYMBOLS));
    expect(proto.path).toEqual(['positions', '__proto__']);
    expect(proto.message).not.toMatch(/empty/);
  });
});

describe('the cost of moving to the target', () => {
  it('matches a hand computation: turnover ½Σ|Δw| over stocks and cash, 10 bps of it, paid pro rata', () => {
    // Held 30 / 20 / 50 (cash) of 100; target 20 / 20 / 60.
    // turnover = ½(0.1 + 0 + 0.1) = 0.1; cost = 0.001 × 0.1 = 0.0001 of 100 = 0.01;
    // invested 99.99 → AAPL 19.998, MSFT 19.998, cash 59.994; trades −10.002, −0.002, +9.994.
    const held = heldPortfolio({ cash: 50, positions: { AAPL: 30, MSFT: 20 } }, SYMBOLS);
    const cost = rebalanceCost(SYMBOLS, held, [0.2, 0.2, 0.6], 10);
    expect(cost.portfolio_value).toBe(100);
    expect(cost.turnover).toBeCloseTo(0.1, 12);
    expect(cost.cost).toBeCloseTo(0.0001, 12);
    expect(cost.cost_value).toBeCloseTo(0.01, 12);
    expect(cost.current_weights).toEqual({ AAPL: 0.3, MSFT: 0.2, cash: 0.5 });
    expect(cost.target_values.AAPL).toBeCloseTo(19.998, 9);
    expect(cost.target_values.cash).toBeCloseTo(59.994, 9);
    expect(cost.trades.AAPL).toBeCloseTo(-10.002, 9);
    expect(cost.trades.MSFT).toBeCloseTo(-0.002, 9);
    expect(cost.trades.cash).toBeCloseTo(9.994, 9);
    // What is traded away is exactly the cost.
    expect(cost.trades.AAPL + cost.trades.MSFT + cost.trades.cash).toBeCloseTo(-0.01, 9);
  });

  it('costs nothing when the portfolio already holds the target', () => {
    const held = heldPortfolio({ cash: 2, positions: { AAPL: 49, MSFT: 49 } }, SYMBOLS);
    const cost = rebalanceCost(SYMBOLS, held, [0.49, 0.49, 0.02], 10);
    expect(cost.turnover).toBeCloseTo(0, 12);
    expect(cost.cost_value).toBeCloseTo(0, 12);
  });
});

/** A market of weekday bars for both symbols from 2024-01-01 up to `last` (close = day of the year). */
function weekdays(last: string): MarketData {
  const bars: DailyBar[] = [];
  for (let t = Date.parse('2024-01-01'); t <= Date.parse(last); t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const close = 100 + bars.length;
    bars.push({ date: d.toISOString().slice(0, 10), open: close - 0.5, high: close + 1, low: close - 1, close, volume: 1000 + bars.length });
  }
  return {
    source: 'sample',
    dailyBars: async (_symbol, range) => bars.filter((b) => b.date >= range.start && b.date <= range.end),
    lastDate: async () => last,
  };
}

describe('the week an allocation is for', () => {
  it('defaults to the week after the data’s last complete week', async () => {
    expect(lastCompleteWeekEnd('2024-03-15')).toBe('2024-03-15'); // a Friday
    expect(lastCompleteWeekEnd('2024-03-13')).toBe('2024-03-08'); // a Wednesday: its week is not over
    expect(await resolveDecisionWeek(undefined, SYMBOLS, weekdays('2024-03-15'))).toEqual({ asOf: '2024-03-15', week: '2024-03-18', dataThrough: '2024-03-15', notTrading: {} });
    expect(await resolveDecisionWeek(undefined, SYMBOLS, weekdays('2024-03-13'))).toEqual({ asOf: '2024-03-08', week: '2024-03-11', dataThrough: '2024-03-08', notTrading: {} });
  });

  it('refuses a bad, future, mid-week or unfinished as_of, naming as_of', async () => {
    const market = weekdays('2024-03-13');
    const cases: [string, RegExp][] = [
      ['2024-3-1', /as_of "2024-3-1" is not a date/],
      ['2024-03-14', /after the data's last session 2024-03-13/],
      ['2024-03-06', /as_of 2024-03-06 is mid-week: the data has sessions after it in that week \(2024-03-07, 2024-03-08\).*use 2024-03-08/],
      ['2024-03-12', /the week of as_of 2024-03-12 is not complete in the data \(last session 2024-03-13\): the last complete week ends 2024-03-08/],
    ];
    for (const [asOf, message] of cases) {
      const error = await resolveDecisionWeek(asOf, SYMBOLS, market).then(() => undefined, (e: unknown) => e);
      expect(error, asOf).toBeInstanceOf(UserInputError);
      expect((error as UserInputError).message, asOf).toMatch(message);
      expect((error as UserInputError).path).toEqual(['as_of']);
    }
    // A weekend as_of decides the next week, as its Friday does.
    expect((await resolveDecisionWeek('2024-03-09', SYMBOLS, market)).week).toBe('2024-03-11');
  });

  it('reads no price on or after the week’s Monday; two flat placeholder sessions stand for the week and the next', async () => {
    const view = marketDataBeforeWeek(weekdays('2024-06-28'), '2024-03-18');
    const bars = await view.dailyBars('AAPL', { start: '2024-03-11', end: '2024-04-30' });
    expect(bars.map((b) => b.date)).toEqual(['2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14', '2024-03-15', '2024-03-18', '2024-03-25']);
    const friday = bars[4];
    for (const placeholder of bars.slice(5)) expect(placeholder).toEqual({ date: placeholder.date, open: friday.close, high: friday.close, low: friday.close, close: friday.close, volume: friday.volume });
    // A range after the cutoff still gets its placeholders at the last close before the week.
    expect((await view.dailyBars('AAPL', { start: '2024-03-20', end: '2024-03-31' })).map((b) => [b.date, b.close])).toEqual([['2024-03-25', friday.close]]);
    expect(await view.dailyBars('AAPL', { start: '2024-03-01', end: '2024-03-05' })).toHaveLength(3); // Fri 1, Mon 4, Tue 5: no placeholder
  });
});

/** `market` with MSFT's bars up to `lastDay` only (none at all when null). */
function msftUntil(market: MarketData, lastDay: string | null): MarketData {
  return { ...market, dailyBars: async (symbol, range) => (await market.dailyBars(symbol, range)).filter((b) => symbol !== 'MSFT' || (lastDay !== null && b.date <= lastDay)) };
}

describe('a symbol that no longer trades when the allocation is decided', () => {
  it('is one whose last session is before the others’ (data_through), named with that session, however far back', async () => {
    const market = weekdays('2024-03-15');
    // Stopped on the Wednesday of as_of's week; a month before (outside the decision's recent weeks).
    expect((await resolveDecisionWeek('2024-03-15', SYMBOLS, msftUntil(market, '2024-03-13'))).notTrading).toEqual({ MSFT: '2024-03-13' });
    expect(await resolveDecisionWeek('2024-03-15', SYMBOLS, msftUntil(market, '2024-01-31'))).toEqual({ asOf: '2024-03-15', week: '2024-03-18', dataThrough: '2024-03-15', notTrading: { MSFT: '2024-01-31' } });
    // No prices on or after the week are read: a symbol trading through as_of trades.
    expect((await resolveDecisionWeek('2024-03-08', SYMBOLS, msftUntil(market, '2024-03-08'))).notTrading).toEqual({});
    const none = await resolveDecisionWeek('2024-03-15', SYMBOLS, msftUntil(market, null)).then(() => undefined, (e: unknown) => e);
    expect(none).toBeInstanceOf(UserInputError);
    expect((none as UserInputError).message).toMatch(/MSFT has no session in the ten years before/);
  });

  it('is put back in the agent’s order with unknown features, return 0 and tradable 0, and listed as ended', () => {
    // Prepare: a one-week panel of AAPL alone (2 features).
    const built: RawPanel = { weeks: ['2024-03-18'], symbols: ['AAPL'], featureNames: ['a', 'b'], raw: Float64Array.from([0.5, 2]), returns: Float64Array.from([0.01]), snapshots: ['2023-12-31'] };
    // Act
    const raw = withNotTrading(built, ['MSFT', 'AAPL'], { MSFT: '2024-01-31' });
    // Assess
    expect(raw.symbols).toEqual(['MSFT', 'AAPL']);
    expect(Array.from(raw.raw)).toEqual([Number.NaN, Number.NaN, 0.5, 2]);
    expect(Array.from(raw.returns)).toEqual([0, 0.01]);
    expect(Array.from(raw.tradable!)).toEqual([0, 1]);
    expect(raw.ended).toEqual({ MSFT: '2024-01-31' });
    expect(raw.snapshots).toEqual(['2023-12-31']);
    expect(withNotTrading(built, ['AAPL'], {})).toBe(built);
    expect(() => withNotTrading(built, ['MSFT', 'AAPL', 'GOOG'], { MSFT: '2024-01-31' })).toThrow(/GOOG neither in the panel nor not trading/);
  });
});
