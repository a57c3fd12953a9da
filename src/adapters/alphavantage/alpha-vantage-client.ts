/**
 * One Alpha Vantage `query` call, with the free tier's manners. Alpha Vantage answers throttling
 * with HTTP 200 and a "Note" or "Information" field instead of a statement, and an unknown symbol
 * with an "Error Message" field (or, for some functions, `{}`), so the body decides, not the status.
 * Throttling, HTTP 5xx and network failures are retried after each delay of `backoffMs`; every
 * attempt is a call counted by the budget.
 */
import { AlphaVantageError } from './alpha-vantage-error.ts';
import type { CallBudget } from './call-budget.ts';
import { isStatementAnswer, type AlphaVantageStatementAnswer } from './statements.ts';

/** A hung connection fails the attempt (and is retried) instead of stalling a run. */
const REQUEST_TIMEOUT_MS = 30_000;

export type StatementFunction = 'INCOME_STATEMENT' | 'BALANCE_SHEET';

export interface AlphaVantageClientOptions {
  apiKey: () => Promise<string>;
  baseUrl: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  budget: CallBudget;
  /** The waits before each retry: its length bounds the retries. */
  backoffMs: readonly number[];
}

export interface StatementResponse {
  /** The body as received, for the cache. */
  text: string;
  answer: AlphaVantageStatementAnswer;
}

/** A success, or why to retry: a throttling note (quoted in the final error) or a server failure. */
type Attempt = { ok: StatementResponse } | { retry: 'throttled' | 'http'; problem: string };

export class AlphaVantageClient {
  constructor(private readonly options: AlphaVantageClientOptions) {}

  async statement(fn: StatementFunction, symbol: string): Promise<StatementResponse> {
    const { apiKey, backoffMs, budget, sleep } = this.options;
    const key = await apiKey(); // before any call: a missing key costs no quota
    let last: Exclude<Attempt, { ok: StatementResponse }> | undefined;
    for (let attempt = 0; attempt <= backoffMs.length; attempt++) {
      if (attempt > 0) await sleep(backoffMs[attempt - 1]);
      await budget.take();
      const result = await this.attempt(fn, symbol, key);
      if ('ok' in result) return result.ok;
      last = result;
    }
    const attempts = backoffMs.length + 1;
    if (last?.retry === 'throttled') {
      throw new AlphaVantageError('throttled', `Alpha Vantage is still throttling ${fn} for "${symbol}" after ${attempts} attempts: "${last.problem}"`);
    }
    throw new AlphaVantageError('http', `Alpha Vantage ${fn} for "${symbol}" failed after ${attempts} attempts: ${last?.problem}`);
  }

  private async attempt(fn: StatementFunction, symbol: string, key: string): Promise<Attempt> {
    const url = new URL(this.options.baseUrl);
    url.search = new URLSearchParams({ function: fn, symbol, apikey: key }).toString();
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      text = await response.text();
    } catch (error) {
      // The URL holds the key: report the cause only.
      return { retry: 'http', problem: `network error: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.status >= 500) return { retry: 'http', problem: `HTTP ${response.status}` };
    if (!response.ok) throw new AlphaVantageError('http', `Alpha Vantage ${fn} for "${symbol}" answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AlphaVantageError('bad-answer', `Alpha Vantage ${fn} for "${symbol}" answered something other than JSON: ${text.slice(0, 200)}`);
    }
    return classify(fn, symbol, text, body);
  }
}

function classify(fn: StatementFunction, symbol: string, text: string, body: unknown): Attempt {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const note = fields.Note ?? fields.Information;
  if (typeof note === 'string') return { retry: 'throttled', problem: note };
  const error = fields['Error Message'];
  if (typeof error === 'string') {
    if (/apikey/i.test(error)) throw new AlphaVantageError('rejected-key', `Alpha Vantage rejected the API key: ${error}`);
    throw new AlphaVantageError('unknown-symbol', `Alpha Vantage does not know the symbol "${symbol}" (${fn}): ${error}`);
  }
  if (Object.keys(fields).length === 0) throw new AlphaVantageError('unknown-symbol', `Alpha Vantage has no ${fn} for the symbol "${symbol}" (empty answer)`);
  if (!isStatementAnswer(body)) throw new AlphaVantageError('bad-answer', `Alpha Vantage ${fn} for "${symbol}" is not a statement: ${text.slice(0, 200)}`);
  return { ok: { text, answer: body } };
}
