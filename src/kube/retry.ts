/**
 * Bounded retries for answers that mean "not now": 429 Too Many Requests
 * (API Priority and Fairness sheds load this way, with `Retry-After`) and
 * transient 5xx. Installed as the API clients' HTTP library, so every call
 * gets it: one throttled page does not end an `audit -A`.
 */
import {
  IsomorphicFetchHttpLibrary,
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
  type ResponseContext
} from '@kubernetes/client-node';

export interface IRetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try when the server names none; doubles each time. */
  baseDelayMs: number;
  /** No wait is longer, whatever `Retry-After` says. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: IRetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000
};

const TRANSIENT = new Set([500, 502, 503, 504]);

/**
 * A 429 was refused before anything happened, so any request may be sent
 * again. A 5xx may come after a write took effect, so only reads are.
 */
export function isRetryable(method: string, status: number): boolean {
  return status === 429 || (TRANSIENT.has(status) && method === 'GET');
}

/** How long to wait before try `attempt + 1`: `Retry-After` seconds, else exponential with jitter. */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | undefined,
  policy: IRetryPolicy
): number {
  const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.min(seconds * 1000, policy.maxDelayMs);
  }
  const delay = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return delay / 2 + (Math.random() * delay) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms).unref?.());
}

export function retryingHttpLibrary(
  policy: IRetryPolicy = DEFAULT_RETRY,
  inner: HttpLibrary = new IsomorphicFetchHttpLibrary()
): HttpLibrary {
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const method = request.getHttpMethod().toString();
      for (let attempt = 1; ; attempt++) {
        const response = await inner.send(request).toPromise();
        if (
          attempt >= policy.attempts ||
          !isRetryable(method, response.httpStatusCode) ||
          request.getSignal()?.aborted
        ) {
          return response;
        }
        // Read the refusal to the end so that the connection can be reused.
        await response.body.binary().catch(() => undefined);
        await sleep(
          retryDelayMs(attempt - 1, response.headers['retry-after'], policy)
        );
      }
    }
  });
}
