import { DsimError, isDsimError } from "../errors.js";
import { isTimeoutError } from "../time/abort.js";
import type { Clock } from "../time/clock.js";
import { timeoutSignal } from "../time/timeout-signal.js";
import { nextRefreshDelayMs } from "./freshness.js";
import type { ResolvedUrlOptions } from "./options.js";
import { raceSignal } from "./race-signal.js";
import { readBody } from "./read-body.js";
import { RefreshError } from "./refresh-error.js";
import type { FetchResult } from "./url-state.js";

function toError(url: string, error: unknown, signal: AbortSignal): Error {
  // The request's own signal carries the reason the refresher aborted it (remove, close).
  if (signal.aborted && !isTimeoutError(signal.reason) && signal.reason instanceof Error) {
    return signal.reason;
  }
  if (isTimeoutError(error) || (signal.aborted && isTimeoutError(signal.reason))) {
    return new DsimError("TIMEOUT", `request to ${url} timed out`, { cause: error });
  }
  if (isDsimError(error)) return error;
  return new RefreshError("FETCH_FAILED", `request to ${url} failed`, { url, cause: error });
}

/**
 * Performs one request: GET with a request timeout on `clock`, status check, size-limited body,
 * parse. Every failure comes out as a `RefreshError`, a `DsimError` `TIMEOUT`, or the reason
 * `signal` was aborted with.
 */
export async function performRequest<T>(
  clock: Clock,
  url: string,
  options: ResolvedUrlOptions<T>,
  signal: AbortSignal,
): Promise<FetchResult<T>> {
  const timeout = timeoutSignal(clock, options.requestTimeout, signal);
  const startedAt = clock.now();
  try {
    let body: string;
    let headers: { get(name: string): string | null };
    try {
      const response = await raceSignal(
        options.httpClient(url, { signal: timeout.signal, headers: { ...options.headers } }),
        timeout.signal,
      );
      headers = response.headers;
      if (response.status !== 200) {
        response.body?.cancel().catch(() => undefined);
        throw new RefreshError("HTTP_STATUS", `${url} answered with status ${response.status}`, {
          url,
          status: response.status,
        });
      }
      body = await readBody(url, response, options.maxBodyBytes, timeout.signal);
    } catch (error) {
      throw toError(url, error, timeout.signal);
    }
    let value: T;
    try {
      value = options.parse(body);
    } catch (error) {
      throw error instanceof RefreshError
        ? error
        : new RefreshError("BODY_INVALID", `body of ${url} did not parse`, { url, cause: error });
    }
    const delay = nextRefreshDelayMs({
      interval: options.interval,
      minInterval: options.minInterval,
      headers,
      responseDelayMs: clock.now() - startedAt,
    });
    return { value, nextDelayMs: delay };
  } finally {
    timeout.clear();
  }
}
