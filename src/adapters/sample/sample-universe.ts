import type { DateRange, MarketData } from '../../ports/market-data.ts';
import type { UniverseProvider } from '../../ports/universe.ts';
import { addDays, assertIsoDate } from '../../data/dates.ts';
import { loadBars } from '../../data/load-bars.ts';
import type { Fundamentals } from '../../universe/fundamentals.ts';
import { closeLookupFromBars } from '../../universe/market-cap.ts';
import { rankPassing, screenUniverse, type ScreenResult } from '../../universe/shariah-screen.ts';

/**
 * The offline halal universe: the symbols of the fundamentals that pass the Shariah screen as of
 * a date, ranked by market cap. Prices (from `marketData`) move market-cap snapshots to that date.
 */
export class SampleUniverse implements UniverseProvider {
  readonly source = 'sample' as const;

  constructor(
    private readonly fundamentals: Fundamentals,
    private readonly marketData: MarketData,
  ) {}

  async screen(asOf: string): Promise<ScreenResult[]> {
    assertIsoDate(asOf, 'screen date');
    const symbols = [...new Set(this.fundamentals.companies.map((c) => c.symbol))].sort();
    const firstSnapshot = this.fundamentals.marketCaps.reduce((min, s) => (s.date < min ? s.date : min), asOf);
    // From a week before the first snapshot: a snapshot dated on a weekend still finds its close.
    const range: DateRange = { start: addDays(firstSnapshot, -7), end: asOf };
    const bars = await loadBars(this.marketData, symbols, range);
    return screenUniverse(asOf, this.fundamentals, { symbols, closeOnOrBefore: closeLookupFromBars(bars) });
  }

  /**
   * Passing symbols, largest first, one share class per company (GOOGL and GOOG are one
   * Alphabet: holding both would double one company's weight in an agent's portfolio).
   */
  async halalSymbols(asOf: string): Promise<string[]> {
    const seen = new Set<string>();
    return rankPassing(await this.screen(asOf)).filter((symbol) => {
      const company = companyOf(this.fundamentals, symbol);
      if (seen.has(company)) return false;
      seen.add(company);
      return true;
    });
  }
}


/** The company behind a symbol: its name without the share-class suffix ("Alphabet Inc. (Class C)" → "Alphabet Inc."). */
function companyOf(fundamentals: Fundamentals, symbol: string): string {
  const name = fundamentals.companies.find((c) => c.symbol === symbol)?.name ?? symbol;
  return name.replace(/\s*\(Class [A-Z]\)\s*$/i, '').trim();
}
