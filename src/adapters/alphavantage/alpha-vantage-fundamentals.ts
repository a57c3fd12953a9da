/**
 * Quarterly statements from Alpha Vantage (INCOME_STATEMENT + BALANCE_SHEET), the live source of
 * the fundamental ratios. Each raw answer is kept in the artifact store for its UTC day
 * (`cache/alphavantage/{function}/{SYMBOL}/{YYYY-MM-DD}.json`), so a symbol costs at most two calls
 * a day across every process sharing the store; only statement answers are kept, never a
 * throttling note or an error.
 *
 * Free-tier pacing (defaults): 25 calls per UTC day and 12 s between calls (5 a minute, the old
 * per-minute limit: well clear of the 1 a second Alpha Vantage asks for), retries after 15, 30 and
 * 60 s. A premium key lifts the daily cap with `callsPerDay: Infinity`.
 */
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { getJson } from '../../ports/artifact-store.ts';
import type { QuarterlyStatement } from '../../data/statement-types.ts';
import { AlphaVantageClient, type StatementFunction } from './alpha-vantage-client.ts';
import { AlphaVantageError } from './alpha-vantage-error.ts';
import { missingKeyError } from './alpha-vantage-key.ts';
import { CallBudget, utcDay } from './call-budget.ts';
import { toQuarterlyStatements, type AlphaVantageStatementAnswer } from './statements.ts';

export const ALPHAVANTAGE_BASE_URL = 'https://www.alphavantage.co/query';
export const FREE_TIER_CALLS_PER_DAY = 25;
export const FREE_TIER_MIN_INTERVAL_MS = 12_000;
export const DEFAULT_BACKOFF_MS = [15_000, 30_000, 60_000] as const;

export interface AlphaVantageFundamentalsOptions {
  /** The key, or a reader of it (`alphaVantageApiKey(env)`); read only when a call is needed. */
  apiKey: string | undefined | (() => Promise<string>);
  store: ArtifactStore;
  baseUrl?: string;
  fetch?: typeof fetch;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  callsPerDay?: number;
  minIntervalMs?: number;
  backoffMs?: readonly number[];
}

const FUNCTIONS: readonly StatementFunction[] = ['INCOME_STATEMENT', 'BALANCE_SHEET'];
const SYMBOL = /^[A-Z0-9][A-Z0-9.-]{0,14}$/;
const CACHE_KEY = /^cache\/alphavantage\/(INCOME_STATEMENT|BALANCE_SHEET)\/([^/]+)\/(\d{4}-\d{2}-\d{2})\.json$/;

export class AlphaVantageFundamentals {
  readonly source = 'alphavantage' as const;
  private readonly store: ArtifactStore;
  private readonly clock: () => Date;
  private readonly client: AlphaVantageClient;

  constructor(options: AlphaVantageFundamentalsOptions) {
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const budget = new CallBudget({
      store: options.store,
      clock: this.clock,
      sleep,
      callsPerDay: options.callsPerDay ?? FREE_TIER_CALLS_PER_DAY,
      minIntervalMs: options.minIntervalMs ?? FREE_TIER_MIN_INTERVAL_MS,
      cachedSymbols: (day) => this.cachedSymbols(day),
    });
    this.client = new AlphaVantageClient({
      apiKey: keyReader(options.apiKey),
      baseUrl: options.baseUrl ?? ALPHAVANTAGE_BASE_URL,
      fetch: options.fetch ?? fetch,
      sleep,
      budget,
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    });
  }

  static cacheKey(fn: StatementFunction, symbol: string, day: string): string {
    return `cache/alphavantage/${fn}/${symbol}/${day}.json`;
  }

  /** The symbol's quarters, oldest first, with estimated publish dates (see statements.ts for the rules). */
  async quarterlyStatements(symbol: string): Promise<QuarterlyStatement[]> {
    if (!SYMBOL.test(symbol)) throw new AlphaVantageError('unknown-symbol', `unknown symbol "${symbol}": not an Alpha Vantage ticker`);
    const day = utcDay(this.clock()); // one day for both statements, even across midnight
    const [income, balance] = [await this.statement(FUNCTIONS[0], symbol, day), await this.statement(FUNCTIONS[1], symbol, day)];
    return toQuarterlyStatements(symbol, income, balance);
  }

  /** Symbols whose two statements are cached for `day`, sorted. */
  async cachedSymbols(day: string): Promise<string[]> {
    const counts = new Map<string, number>();
    for (const key of await this.store.list('cache/alphavantage')) {
      const match = CACHE_KEY.exec(key);
      if (match && match[3] === day) counts.set(match[2], (counts.get(match[2]) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n === FUNCTIONS.length).map(([symbol]) => symbol).sort();
  }

  private async statement(fn: StatementFunction, symbol: string, day: string): Promise<AlphaVantageStatementAnswer> {
    const key = AlphaVantageFundamentals.cacheKey(fn, symbol, day);
    const cached = await getJson<AlphaVantageStatementAnswer>(this.store, key);
    if (cached) return cached;
    const { text, answer } = await this.client.statement(fn, symbol);
    await this.store.put(key, text);
    return answer;
  }
}

/** The factory for the runtime: `alphaVantageFundamentals({ apiKey: alphaVantageApiKey(env), store })`. */
export function alphaVantageFundamentals(options: AlphaVantageFundamentalsOptions): AlphaVantageFundamentals {
  return new AlphaVantageFundamentals(options);
}

function keyReader(apiKey: AlphaVantageFundamentalsOptions['apiKey']): () => Promise<string> {
  if (typeof apiKey === 'function') return apiKey;
  const key = apiKey?.trim();
  return key ? async () => key : async () => Promise.reject(missingKeyError());
}
