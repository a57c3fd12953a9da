import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { getJson, putJson } from '../../ports/artifact-store.ts';
import type { UniverseProvider } from '../../ports/universe.ts';
import { addDays, assertIsoDate } from '../../data/dates.ts';

/** Shariah-screened US equity ETFs whose holdings define the live halal universe. */
/** How far before today a live universe may be asked for (a weekend plus holidays). */
export const LIVE_GRACE_DAYS = 5;

export const SHARIAH_ETFS = ['SPUS', 'HLAL', 'SPTE'] as const;

/** What this needs of a yahoo-finance2 3.x instance. */
export interface YahooHoldingsClient {
  quoteSummary(symbol: string, query: { modules: ['topHoldings'] }): Promise<unknown>;
}

export interface EtfHolding {
  symbol: string;
  name: string;
  /** Mean weight over the ETFs asked (0 where an ETF does not list it), as a fraction. */
  weight: number;
  /** Weight in each ETF that lists it. */
  weights: Record<string, number>;
}

interface TopHoldingsResult {
  topHoldings?: { holdings?: Array<{ symbol?: unknown; holdingName?: unknown; holdingPercent?: unknown }> };
}

export class EtfHoldingsError extends Error {
  override readonly name = 'EtfHoldingsError';
}

/**
 * Merges the holdings of several ETFs: each symbol's weight is its mean weight across all of
 * them (absent = 0), so a stock held by every fund outranks one that only one fund holds heavily.
 * Ranked by that weight, descending (ties by symbol).
 */
export function mergeHoldings(byEtf: ReadonlyMap<string, ReadonlyArray<{ symbol: string; name: string; weight: number }>>): EtfHolding[] {
  const merged = new Map<string, EtfHolding>();
  for (const [etf, holdings] of byEtf) {
    for (const h of holdings) {
      const entry = merged.get(h.symbol) ?? { symbol: h.symbol, name: h.name, weight: 0, weights: {} };
      entry.weights[etf] = (entry.weights[etf] ?? 0) + h.weight;
      merged.set(h.symbol, entry);
    }
  }
  for (const entry of merged.values()) {
    entry.weight = Object.values(entry.weights).reduce((a, b) => a + b, 0) / byEtf.size;
  }
  return [...merged.values()].sort((a, b) => b.weight - a.weight || a.symbol.localeCompare(b.symbol));
}

export interface EtfHoldingsUniverseOptions {
  client: YahooHoldingsClient;
  /** Caches each ETF's holdings per day under `cache/yahoo/top-holdings/ETF/DATE.json`. */
  store?: ArtifactStore;
  etfs?: readonly string[];
  now?: () => Date;
}

/**
 * The live halal universe: the top holdings of Shariah ETFs (yahoo-finance2 quoteSummary
 * `topHoldings`, about ten per fund), merged and ranked by weight. Yahoo only serves today's
 * holdings, so `asOf` must be today or later: an earlier date would be look-ahead.
 */
export class EtfHoldingsUniverse implements UniverseProvider {
  readonly source = 'etf-holdings' as const;
  private readonly etfs: readonly string[];
  private readonly now: () => Date;

  constructor(private readonly options: EtfHoldingsUniverseOptions) {
    this.etfs = options.etfs ?? SHARIAH_ETFS;
    this.now = options.now ?? (() => new Date());
    if (this.etfs.length === 0) throw new EtfHoldingsError('no ETFs given');
  }

  async holdings(): Promise<EtfHolding[]> {
    const today = this.now().toISOString().slice(0, 10);
    const lists = await Promise.all(this.etfs.map((etf) => this.etfHoldings(etf, today)));
    return mergeHoldings(new Map(this.etfs.map((etf, i) => [etf, lists[i]])));
  }

  async halalSymbols(asOf: string): Promise<string[]> {
    assertIsoDate(asOf, 'universe date');
    const today = this.now().toISOString().slice(0, 10);
    // A live run's window ends on the last trading day, up to a long weekend before today: those
    // few days cannot matter. Any earlier date would screen the past with today's holdings.
    if (asOf < addDays(today, -LIVE_GRACE_DAYS)) {
      throw new EtfHoldingsError(`ETF holdings are only known for today (${today}); a universe as of ${asOf} would use later information`);
    }
    return (await this.holdings()).map((h) => h.symbol);
  }

  private async etfHoldings(etf: string, today: string): Promise<Array<{ symbol: string; name: string; weight: number }>> {
    const key = `cache/yahoo/top-holdings/${etf}/${today}.json`;
    const cached = this.options.store && (await getJson<Array<{ symbol: string; name: string; weight: number }>>(this.options.store, key));
    if (cached) return cached;
    let result: unknown;
    try {
      result = await this.options.client.quoteSummary(etf, { modules: ['topHoldings'] });
    } catch (error) {
      throw new EtfHoldingsError(`Yahoo topHoldings for ${etf} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const raw = (result as TopHoldingsResult).topHoldings?.holdings;
    if (!Array.isArray(raw) || raw.length === 0) throw new EtfHoldingsError(`Yahoo returned no holdings for ${etf}`);
    const holdings = raw.map((h, i) => {
      if (typeof h.symbol !== 'string' || h.symbol === '' || typeof h.holdingPercent !== 'number' || !(h.holdingPercent >= 0)) {
        throw new EtfHoldingsError(`${etf} holding #${i + 1} is malformed: ${JSON.stringify(h)}`);
      }
      return { symbol: h.symbol, name: typeof h.holdingName === 'string' ? h.holdingName : h.symbol, weight: h.holdingPercent };
    });
    if (this.options.store) await putJson(this.options.store, key, holdings);
    return holdings;
  }
}

/** The merged holdings as a table for `mizan universe --source yahoo`. */
export function formatHoldingsTable(holdings: readonly EtfHolding[], etfs: readonly string[] = SHARIAH_ETFS): string {
  const header = ['rank', 'symbol', 'weight', ...etfs, 'name'];
  const pct = (w: number | undefined) => (w === undefined ? '-' : `${(w * 100).toFixed(2)}%`);
  const rows = holdings.map((h, i) => [String(i + 1), h.symbol, pct(h.weight), ...etfs.map((e) => pct(h.weights[e])), h.name]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
