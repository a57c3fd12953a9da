/**
 * The agent's symbols that no longer trade when an allocation is decided, and the panel row with
 * them put back the way build-panel puts back a symbol that stopped trading (features unknown: NaN,
 * return 0, `tradable` 0). The policy then sees what an evaluation would show it, and the weight it
 * sets on such a symbol goes to cash (env/tradable.ts), as in every evaluation.
 *
 * A symbol no longer trades when its last session before the decision week is earlier than the last
 * session of the agent's symbols before it (the close the decision is taken at): delisted, merged
 * or halted then. That is build-panel's rule (its last bar before the others') read by the day, not
 * by the week: a stock that stopped on the Wednesday of as_of's week cannot be bought at the next
 * open either. Only prices before the decision week are read.
 */
import { addDays } from '../../../data/dates.ts';
import { UserInputError } from '../../../config/errors.ts';
import type { DailyBar, MarketData } from '../../../ports/market-data.ts';
import type { RawPanel } from '../env/build-panel.ts';

/** How far back a symbol without a recent session is looked up for its last one. */
const LOOKBACK_DAYS = 3653;

/**
 * Symbol → its last session before `week`, for the symbols whose last session is before
 * `dataThrough`. `recent` holds each symbol's bars of the weeks just before `week` (those of the
 * decision's own look); a symbol without any is looked up further back, and refused when it has no
 * session at all in the ten years before the week.
 */
export async function notTradingSymbols(symbols: readonly string[], recent: readonly (readonly DailyBar[])[], dataThrough: string | null, week: string, marketData: MarketData): Promise<Record<string, string>> {
  const notTrading: Record<string, string> = {};
  for (const [i, symbol] of symbols.entries()) {
    let last = recent[i].filter((b) => b.date < week).at(-1)?.date;
    if (last === undefined) {
      last = (await marketData.dailyBars(symbol, { start: addDays(week, -LOOKBACK_DAYS), end: addDays(week, -1) })).at(-1)?.date;
      if (last === undefined) throw new UserInputError(`cannot observe the week of ${week}: ${symbol} has no session in the ten years before it`, ['as_of']);
    }
    if (dataThrough === null || last < dataThrough) notTrading[symbol] = last;
  }
  return notTrading;
}

/**
 * `panel` (built on the symbols that trade) over all the agent's `symbols` in its order: a symbol of
 * `notTrading` gets NaN features, return 0 and `tradable` 0 in every row, and is listed in `ended`
 * with its last session.
 */
export function withNotTrading(panel: RawPanel, symbols: readonly string[], notTrading: Readonly<Record<string, string>>): RawPanel {
  if (Object.keys(notTrading).length === 0) return panel;
  const index = new Map(panel.symbols.map((s, i) => [s, i]));
  const missing = symbols.filter((s) => !index.has(s) && !Object.hasOwn(notTrading, s));
  if (missing.length > 0) throw new Error(`withNotTrading: ${missing.join(', ')} neither in the panel nor not trading`);
  const W = panel.weeks.length;
  const [S, P, F] = [symbols.length, panel.symbols.length, panel.featureNames.length];
  const raw = new Float64Array(W * S * F).fill(Number.NaN);
  const returns = new Float64Array(W * S);
  const tradable = new Uint8Array(W * S);
  for (let w = 0; w < W; w++) {
    symbols.forEach((symbol, s) => {
      const i = index.get(symbol);
      if (i === undefined) return;
      raw.set(panel.raw.subarray((w * P + i) * F, (w * P + i + 1) * F), (w * S + s) * F);
      returns[w * S + s] = panel.returns[w * P + i];
      tradable[w * S + s] = panel.tradable ? panel.tradable[w * P + i] : 1;
    });
  }
  return { ...panel, symbols: [...symbols], raw, returns, tradable, ended: { ...panel.ended, ...notTrading } };
}
