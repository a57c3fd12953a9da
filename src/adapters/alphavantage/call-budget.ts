/**
 * The free tier's limits, enforced before a request is sent: at most `callsPerDay` calls per UTC
 * day and at least `minIntervalMs` between two calls. The day's count and the last call's time live
 * in the artifact store (`cache/alphavantage/quota/YYYY-MM-DD.json`), so every process on the same
 * store (the CLI, a trainer, a Lambda) draws from one budget. The store has no compare-and-swap:
 * two processes taking the last call at the same instant may both get it (best effort).
 */
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { getJson, putJson } from '../../ports/artifact-store.ts';
import { AlphaVantageError } from './alpha-vantage-error.ts';

export interface CallBudgetOptions {
  store: ArtifactStore;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  callsPerDay: number;
  minIntervalMs: number;
  /** Symbols usable today without a call, named in the "quota spent" error. */
  cachedSymbols: (day: string) => Promise<string[]>;
}

interface QuotaDay {
  day: string;
  calls: number;
  lastCallAt: string;
}

export class CallBudget {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CallBudgetOptions) {}

  static key(day: string): string {
    return `cache/alphavantage/quota/${day}.json`;
  }

  /** Waits for the spacing, then counts one call; throws, without counting, when the day's quota is spent. */
  take(): Promise<void> {
    // One taker at a time in this process, so concurrent fetches are spaced too.
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(): Promise<void> {
    const { store, clock, sleep, minIntervalMs } = this.options;
    let day = utcDay(clock());
    let used = await getJson<QuotaDay>(store, CallBudget.key(day));
    await this.refuseWhenSpent(day, used);
    const wait = used ? Date.parse(used.lastCallAt) + minIntervalMs - clock().getTime() : 0;
    if (wait > 0) {
      await sleep(wait);
      // The wait may cross midnight UTC or let another process call: count on fresh numbers.
      day = utcDay(clock());
      used = await getJson<QuotaDay>(store, CallBudget.key(day));
      await this.refuseWhenSpent(day, used);
    }
    await putJson(store, CallBudget.key(day), { day, calls: (used?.calls ?? 0) + 1, lastCallAt: clock().toISOString() } satisfies QuotaDay);
  }

  private async refuseWhenSpent(day: string, used: QuotaDay | undefined): Promise<void> {
    const { callsPerDay, cachedSymbols } = this.options;
    if ((used?.calls ?? 0) < callsPerDay) return;
    const cached = await cachedSymbols(day);
    throw new AlphaVantageError(
      'quota',
      `Alpha Vantage free-tier quota of ${callsPerDay} calls for ${day} is spent; ` +
        `cached symbols: ${cached.length > 0 ? cached.join(', ') : 'none'}; try tomorrow or set a premium key`,
    );
  }
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
