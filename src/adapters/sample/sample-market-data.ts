import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DailyBar, DateRange, MarketData } from '../../ports/market-data.ts';
import { parseDailyBarsCsv, sliceRange } from '../../data/daily-bars-csv.ts';
import { assertDateRange } from '../../data/dates.ts';
import { DEFAULT_SAMPLE_DIR } from '../../data/sample-dir.ts';

const SYMBOL = /^[A-Z0-9][A-Z0-9.^=-]{0,14}$/;

export class UnknownSymbolError extends Error {
  override readonly name = 'UnknownSymbolError';
}

/**
 * MarketData over the bundled CSVs (`prices/SYMBOL.csv`). Each file is parsed strictly once
 * and kept in memory; a bad row fails with the file and line named.
 */
export class SampleMarketData implements MarketData {
  readonly source = 'sample' as const;
  readonly dir: string;
  private readonly series = new Map<string, Promise<DailyBar[]>>();
  private symbolList?: Promise<string[]>;

  constructor(dir: string | URL = DEFAULT_SAMPLE_DIR) {
    this.dir = typeof dir === 'string' ? dir : fileURLToPath(dir);
  }

  /** Every symbol with a price file, sorted. */
  symbols(): Promise<string[]> {
    this.symbolList ??= readdir(join(this.dir, 'prices')).then((names) =>
      names
        .filter((name) => name.endsWith('.csv'))
        .map((name) => name.slice(0, -4))
        .sort(),
    );
    return this.symbolList;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<DailyBar[]> {
    assertDateRange(range);
    const bars = await this.allBars(symbol);
    return sliceRange(bars, range.start, range.end);
  }

  /** The newest date over all symbols (the sample ends 2026-08-14). */
  async lastDate(): Promise<string> {
    const symbols = await this.symbols();
    if (symbols.length === 0) throw new Error(`no price files in ${join(this.dir, 'prices')}`);
    const lasts = await Promise.all(symbols.map(async (s) => (await this.allBars(s)).at(-1)?.date ?? ''));
    return lasts.reduce((a, b) => (a > b ? a : b));
  }

  /** The whole series of `symbol`, parsed once. */
  allBars(symbol: string): Promise<DailyBar[]> {
    let bars = this.series.get(symbol);
    if (!bars) {
      bars = this.load(symbol);
      this.series.set(symbol, bars);
      bars.catch(() => this.series.delete(symbol)); // a failed load is not cached
    }
    return bars;
  }

  private async load(symbol: string): Promise<DailyBar[]> {
    const known = await this.symbols();
    if (!SYMBOL.test(symbol) || !known.includes(symbol)) {
      throw new UnknownSymbolError(
        `unknown symbol "${symbol}": the sample in ${this.dir} has no prices for it (it has ${known.length} symbols: ${known.join(' ')})`,
      );
    }
    const file = join(this.dir, 'prices', `${symbol}.csv`);
    return parseDailyBarsCsv(await readFile(file, 'utf8'), file);
  }
}
