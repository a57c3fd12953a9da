/**
 * Hub failures as one line a person can act on: the status, what was being done (repo and branch)
 * and what to change. A request that gets no answer is cut off by `timedFetch`, so a stalled Hub
 * fails the step clearly instead of running into the Lambda's own timeout.
 */
import { HubApiError } from '@huggingface/hub';

export class HuggingFaceError extends Error {
  override readonly name = 'HuggingFaceError';
  constructor(
    message: string,
    /** The HTTP status, when the Hub answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Raised by `timedFetch` when a request got no (complete) answer in time. */
export class HubTimeoutError extends Error {
  override readonly name = 'HubTimeoutError';
}

/** `fetch` that gives up after `timeoutMs` (the whole request: headers and body). */
export function timedFetch(base: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const fail = (error: unknown): never => {
      if (!timeout.aborted) throw error;
      const url = new URL(input instanceof Request ? input.url : String(input));
      throw new HubTimeoutError(`no answer within ${timeoutMs / 1000} s (${init?.method ?? 'GET'} ${url.host}${url.pathname})`);
    };
    const response = await base(input, { ...init, signal }).catch(fail);
    // The body is read later under the same signal: a stall there surfaces as the same error.
    return new Proxy(response, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise ? result.catch(fail) : result;
        };
      },
    });
  };
}

/** Turns any failure of a Hub call into a HuggingFaceError naming `doing` (e.g. "committing to acme/x branch v1"). */
export function describeHubFailure(error: unknown, doing: string, tokenSource: string): HuggingFaceError {
  if (error instanceof HuggingFaceError) return error;
  if (error instanceof HubTimeoutError) {
    return new HuggingFaceError(`Hugging Face Hub did not answer while ${doing}: ${error.message}; the upload can be retried`);
  }
  if (error instanceof HubApiError) {
    const said = error.message.split('. URL:')[0];
    const status = error.statusCode;
    if (status === 401) {
      return new HuggingFaceError(`Hugging Face rejected the token (401 Unauthorized) while ${doing}: ${said}. Set a valid token in ${tokenSource}`, status);
    }
    if (status === 403) {
      return new HuggingFaceError(
        `the Hugging Face token may not do this (403 Forbidden) while ${doing}: ${said}. Give the token write access to the repo's namespace (${tokenSource})`,
        status,
      );
    }
    if (status >= 500) {
      return new HuggingFaceError(`Hugging Face Hub failed (${status}) while ${doing}: ${said}; nothing is lost, the upload can be retried`, status);
    }
    return new HuggingFaceError(`Hugging Face Hub answered ${status} while ${doing}: ${said}`, status);
  }
  const message = (error as Error).message;
  if (error instanceof TypeError && /fetch failed/i.test(message)) {
    // undici hides the reason (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new HuggingFaceError(`could not reach the Hugging Face Hub while ${doing}: ${cause?.code ?? cause?.message ?? message}`);
  }
  // Refused before any request (e.g. @huggingface/hub checks the token's hf_ prefix).
  return new HuggingFaceError(`Hugging Face call failed while ${doing}: ${message}`);
}
