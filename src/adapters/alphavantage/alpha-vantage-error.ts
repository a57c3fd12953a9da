/** Why an Alpha Vantage request failed: callers (the CLI, a trainer) can tell "wait" from "fix it". */
export type AlphaVantageFailure = 'missing-key' | 'rejected-key' | 'quota' | 'throttled' | 'unknown-symbol' | 'http' | 'bad-answer';

export class AlphaVantageError extends Error {
  override readonly name = 'AlphaVantageError';

  constructor(
    readonly failure: AlphaVantageFailure,
    message: string,
  ) {
    super(message);
  }
}
