import { describe, expect, it } from "vitest";
import { isDsimError } from "../../src/errors.js";
import { AutoRefresh, createJwksRefresh } from "../../src/refresh/auto-refresh.js";
import type { RefreshFailure } from "../../src/refresh/error-sink.js";
import type { HttpClient } from "../../src/refresh/http-client.js";
import type { JsonWebKeySet } from "../../src/refresh/jwks.js";
import type { UrlOptions } from "../../src/refresh/options.js";
import { flushMicrotasks, ManualClock } from "../time/manual-clock.js";
import { jwks, response, ScriptedClient } from "./helpers/scripted-client.js";

const URL_A = "https://issuer.example/.well-known/jwks.json";
const MIN = 60_000;
const random = { next: () => 0.5 };

function setup(
  handler: ScriptedClient["handler"],
  urlOptions: UrlOptions<JsonWebKeySet> = { minInterval: MIN },
) {
  const clock = new ManualClock();
  const server = new ScriptedClient(clock, handler);
  const failures: RefreshFailure[] = [];
  const refresher = createJwksRefresh({
    clock,
    random,
    httpClient: server.client,
    onError: (failure) => failures.push(failure),
  });
  const url = refresher.configure(URL_A, urlOptions);
  return { clock, server, failures, refresher, url };
}

const kidOf = (set: JsonWebKeySet): string | undefined => set.keys[0]?.kid;

describe("AutoRefresh: registration and validation", () => {
  it("validates URLs and options up front", () => {
    const { refresher } = setup(() => response(200, jwks("a")));
    expect(() => refresher.configure("not a url")).toThrow(TypeError);
    expect(() => refresher.configure("ftp://x.example/keys")).toThrow(TypeError);
    expect(() => refresher.configure(URL_A, { minInterval: 10 })).toThrow(RangeError);
    expect(() => refresher.configure(URL_A, { interval: Number.NaN })).toThrow(RangeError);
    expect(() => refresher.configure(URL_A, { requestTimeout: 0 })).toThrow(RangeError);
    expect(() => refresher.configure(URL_A, { headers: { a: 1 as unknown as string } })).toThrow(
      TypeError,
    );
    expect(() => refresher.configure(URL_A, { allow: /^https:\/\/other\// })).toThrow(
      expect.objectContaining({ code: "URL_NOT_ALLOWED" }) as unknown as Error,
    );
    expect(refresher.configure(URL_A, { allow: [URL_A] })).toBe(URL_A);
    expect(refresher.isRegistered("HTTPS://ISSUER.example/.well-known/jwks.json")).toBe(true);
    expect(refresher.isRegistered("nope")).toBe(false);
  });

  it("checks a global RegExp allow-list the same way every time", () => {
    const { refresher } = setup(() => response(200, jwks("a")));
    const allow = /^https:\/\/issuer\.example\//g;
    for (let i = 0; i < 3; i += 1) expect(refresher.configure(URL_A, { allow })).toBe(URL_A);
  });

  it("defaults the minimum interval to one hour, or to a shorter explicit interval", async () => {
    const { refresher, url, server, clock } = setup(() => response(200, jwks("a")), {
      interval: 120_000,
    });
    await refresher.fetch(url);
    expect(refresher.snapshot()[0]?.nextRefresh).toBe(120_000);
    await clock.advance(120_000);
    expect(server.seen).toHaveLength(2);
    // The cooldown after that request is the 120 s interval, not one hour.
    await clock.advance(60_000);
    await refresher.refresh(url);
    expect(server.seen).toHaveLength(2);
    await clock.advance(60_000);
    await refresher.refresh(url);
    expect(server.seen).toHaveLength(3);
    await refresher.close();
  });

  it("rejects unregistered URLs with URL_NOT_REGISTERED", async () => {
    const { refresher } = setup(() => response(200, jwks("a")));
    await expect(refresher.fetch("https://other.example/")).rejects.toMatchObject({
      code: "URL_NOT_REGISTERED",
    });
    expect(() => refresher.remove("https://other.example/")).toThrow(
      expect.objectContaining({ code: "URL_NOT_REGISTERED" }) as unknown as Error,
    );
  });

  it("accepts a real fetch as its HttpClient (type-level)", () => {
    const client: HttpClient = fetch;
    expect(typeof client).toBe("function");
  });
});

describe("AutoRefresh: first fetch", () => {
  it("makes exactly one request for concurrent cold callers and shares the value", async () => {
    const { server, refresher, url, clock } = setup(() => response(200, jwks("a")));
    server.handler = () => server.later(100, response(200, jwks("a")));
    const results = Promise.all([1, 2, 3, 4, 5].map(() => refresher.fetch(url)));
    await clock.advance(100);
    const sets = await results;
    expect(server.seen).toHaveLength(1);
    expect(new Set(sets).size).toBe(1);
    expect(sets.map(kidOf)).toEqual(["a", "a", "a", "a", "a"]);
    // Later fetches are served from memory.
    await refresher.fetch(url);
    expect(server.seen).toHaveLength(1);
    await refresher.close();
  });

  it("always passes a signal and the configured headers to the client", async () => {
    const { server, refresher, url } = setup(() => response(200, jwks("a")), {
      minInterval: MIN,
      headers: { Accept: "application/jwk-set+json" },
    });
    await refresher.fetch(url);
    expect(server.seen[0]?.init.signal).toBeInstanceOf(AbortSignal);
    expect(server.seen[0]?.init.headers).toEqual({ accept: "application/jwk-set+json" });
    await refresher.close();
  });

  it("gives every follower the leader's real error", async () => {
    const { server, refresher, url, clock, failures } = setup(() => response(503, "down"));
    server.handler = () => server.later(10, response(503, "down"));
    const settled = Promise.allSettled([
      refresher.fetch(url),
      refresher.fetch(url),
      refresher.fetch(url),
    ]);
    await clock.advance(10);
    for (const result of await settled) {
      expect(result.status).toBe("rejected");
      if (result.status === "rejected") {
        expect(result.reason).toMatchObject({ code: "HTTP_STATUS", status: 503, url });
      }
    }
    expect(server.seen).toHaveLength(1);
    expect(failures).toHaveLength(1);
    await refresher.close();
  });

  it("lets a caller stop waiting without cancelling the shared request", async () => {
    const { server, refresher, url, clock } = setup(() => response(200, jwks("a")));
    server.handler = () => server.later(1_000, response(200, jwks("a")));
    const impatient = new AbortController();
    const first = refresher.fetch(url, { signal: impatient.signal });
    const second = refresher.fetch(url);
    await clock.advance(500);
    impatient.abort(new Error("gave up"));
    await expect(first).rejects.toThrow("gave up");
    expect(server.seen[0]?.init.signal.aborted).toBe(false);
    await clock.advance(500);
    expect(kidOf(await second)).toBe("a");
    expect(server.seen).toHaveLength(1);
    await refresher.close();
  });

  it("times a request out on the clock and reports TIMEOUT", async () => {
    const { server, refresher, url, clock, failures } = setup(() => new Promise(() => undefined), {
      minInterval: MIN,
      requestTimeout: 5_000,
    });
    const pending = refresher.fetch(url);
    const outcome = expect(pending).rejects.toMatchObject({ code: "TIMEOUT" });
    await clock.advance(5_000);
    await outcome;
    expect(server.seen[0]?.init.signal.aborted).toBe(true);
    expect(failures.map((f) => f.error)).toEqual([expect.objectContaining({ code: "TIMEOUT" })]);
    await refresher.close();
  });

  it("refuses oversized and non-UTF-8 bodies", async () => {
    const big = setup(() => response(200, jwks("a")), { minInterval: MIN, maxBodyBytes: 10 });
    await expect(big.refresher.fetch(big.url)).rejects.toMatchObject({ code: "BODY_TOO_LARGE" });
    const declared = setup(() => response(200, "{}", { "content-length": "999999999" }), {
      minInterval: MIN,
      maxBodyBytes: 100,
    });
    await expect(declared.refresher.fetch(declared.url)).rejects.toMatchObject({
      code: "BODY_TOO_LARGE",
    });
    const binary = setup(() => response(200, new Uint8Array([0xff, 0xfe])));
    await expect(binary.refresher.fetch(binary.url)).rejects.toMatchObject({
      code: "BODY_INVALID",
    });
    await Promise.all([
      big.refresher.close(),
      declared.refresher.close(),
      binary.refresher.close(),
    ]);
  });

  it("cancels the unread body of a non-200 response and peeks without requesting", async () => {
    let cancelled = 0;
    const { refresher, url } = setup(() => ({
      ...response(500, "oops"),
      body: {
        cancel: async () => {
          cancelled += 1;
        },
      },
    }));
    expect(refresher.peek(url)).toBeUndefined();
    await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "HTTP_STATUS", status: 500 });
    expect(cancelled).toBe(1);
    expect(refresher.peek(url)).toBeUndefined();
    expect(refresher.peek("not a url")).toBeUndefined();
    await refresher.close();
  });

  it("accepts a body of exactly maxBodyBytes and refuses one byte more", async () => {
    const body = jwks("a");
    const size = new TextEncoder().encode(body).length;
    const exact = setup(() => response(200, body), { minInterval: MIN, maxBodyBytes: size });
    expect(kidOf(await exact.refresher.fetch(exact.url))).toBe("a");
    const over = setup(() => response(200, `${body} `), { minInterval: MIN, maxBodyBytes: size });
    await expect(over.refresher.fetch(over.url)).rejects.toMatchObject({ code: "BODY_TOO_LARGE" });
    await Promise.all([exact.refresher.close(), over.refresher.close()]);
  });

  it.each([204, 304, 404, 429])(
    "treats status %i as a failure (only 200 is a key set)",
    async (status) => {
      const { refresher, url } = setup(() => response(status, jwks("a")));
      await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "HTTP_STATUS", status });
      await refresher.close();
    },
  );

  it("wraps a client rejection in FETCH_FAILED with the cause", async () => {
    const reset = new Error("ECONNRESET");
    const { refresher, url } = setup(() => Promise.reject(reset));
    await expect(refresher.fetch(url)).rejects.toMatchObject({
      code: "FETCH_FAILED",
      cause: reset,
    });
    await refresher.close();
  });
});

describe("AutoRefresh: background refresh", () => {
  it("schedules by max-age, floored by the minimum interval", async () => {
    let version = 0;
    const { server, refresher, url, clock } = setup(() => {
      version += 1;
      return response(200, jwks(`v${version}`), { "cache-control": "max-age=600" });
    });
    await refresher.fetch(url);
    expect(refresher.snapshot()[0]?.nextRefresh).toBe(600_000);
    await clock.advance(599_999);
    expect(server.seen).toHaveLength(1);
    await clock.advance(1);
    expect(server.seen).toHaveLength(2);
    expect(kidOf(await refresher.fetch(url))).toBe("v2");
    expect(refresher.snapshot()[0]).toMatchObject({ lastRefresh: 600_000, nextRefresh: 1_200_000 });
    server.handler = () => response(200, jwks("x"), { "cache-control": "max-age=1" });
    await clock.advance(600_000);
    expect(refresher.snapshot()[0]?.nextRefresh).toBe(1_200_000 + MIN);
    await refresher.close();
  });

  it("waits a 30-day max-age out without firing early (timer chaining)", async () => {
    const { server, refresher, url, clock } = setup(() =>
      response(200, jwks("a"), { "cache-control": "max-age=2592000" }),
    );
    await refresher.fetch(url);
    const day = 86_400_000;
    await clock.advance(29 * day);
    expect(server.seen).toHaveLength(1);
    await clock.advance(day);
    expect(server.seen).toHaveLength(2);
    await refresher.close();
  });

  it("serves the last good value while refreshes fail, reports each failure, and retries", async () => {
    let healthy = true;
    const { server, refresher, url, clock, failures } = setup(() =>
      healthy ? response(200, jwks("good")) : response(500, "oops"),
    );
    await refresher.fetch(url);
    healthy = false;
    await clock.advance(3 * MIN);
    expect(server.seen).toHaveLength(4);
    expect(failures).toHaveLength(3);
    expect(failures.every((f) => f.background && isDsimError(f.error, "HTTP_STATUS"))).toBe(true);
    expect(kidOf(await refresher.fetch(url))).toBe("good");
    expect(refresher.snapshot()[0]).toMatchObject({ hasValue: true, fresh: false });
    healthy = true;
    await clock.advance(MIN);
    expect(refresher.snapshot()[0]).toMatchObject({ lastRefresh: 4 * MIN, fresh: true });
    await refresher.close();
  });

  it("backs off background retries beyond the minimum interval", async () => {
    const { server, refresher, url, clock } = setup(() => response(500, "x"), {
      minInterval: 1_000,
      backoff: { initialMs: 1_000, multiplier: 2, jitter: 0, maxMs: 8_000 },
    });
    await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "HTTP_STATUS" });
    await clock.advance(30_000);
    const gaps = server.seen.slice(1).map((r, i) => r.at - (server.seen[i]?.at ?? 0));
    expect(gaps.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(gaps.slice(4).every((g) => g === 8_000)).toBe(true);
    await refresher.close();
  });

  it("keeps a throwing error sink from breaking the refresher", async () => {
    const { refresher, url } = setup(() => response(500, "x"));
    refresher.setErrorSink(() => {
      throw new Error("sink bug");
    });
    await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "HTTP_STATUS" });
    await refresher.close();
  });

  it("keeps an async error sink that rejects from raising an unhandled rejection", async () => {
    const { refresher, url } = setup(() => response(500, "x"));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      refresher.setErrorSink(async () => {
        throw new Error("async sink bug");
      });
      await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "HTTP_STATUS" });
      // Node reports an unhandled rejection once the microtask queue has drained: one turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    await refresher.close();
  });
});

describe("AutoRefresh: forced refresh and the rate limit", () => {
  it("serves the cached value without a request during the cooldown", async () => {
    let version = 0;
    const { server, refresher, url, clock } = setup(() => {
      version += 1;
      return response(200, jwks(`v${version}`));
    });
    await refresher.fetch(url);
    await clock.advance(MIN - 1);
    expect(kidOf(await refresher.refresh(url))).toBe("v1");
    expect(server.seen).toHaveLength(1);
    await clock.advance(1);
    // The timer fired at MIN; a refresh right after is inside the new cooldown.
    expect(server.seen).toHaveLength(2);
    expect(kidOf(await refresher.refresh(url))).toBe("v2");
    await clock.advance(MIN / 2);
    expect(kidOf(await refresher.refresh(url))).toBe("v2");
    expect(server.seen).toHaveLength(2);
    await refresher.close();
  });

  it("rejects a cold fetch with COOLING_DOWN (cause: the last error) right after a failure", async () => {
    const { server, refresher, url, clock } = setup(() => response(500, "x"));
    await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "HTTP_STATUS" });
    const cooling = await refresher.fetch(url).catch((error: unknown) => error);
    expect(cooling).toMatchObject({ code: "COOLING_DOWN", cause: { code: "HTTP_STATUS" } });
    expect(server.seen).toHaveLength(1);
    server.handler = () => response(200, jwks("a"));
    await clock.advance(MIN);
    expect(kidOf(await refresher.fetch(url))).toBe("a");
    await refresher.close();
  });

  it("never lets an older response replace a newer value", async () => {
    let version = 0;
    const { server, refresher, url, clock } = setup(() => response(200, jwks("v0")), {
      minInterval: 1_000,
      requestTimeout: 60_000,
    });
    server.handler = () => {
      version += 1;
      const body = response(200, jwks(`v${version}`), { "cache-control": "max-age=3600" });
      // The first request is slow, the second fast.
      return server.later(version === 1 ? 10_000 : 10, body);
    };
    const slow = refresher.fetch(url);
    await clock.advance(1_000);
    const fast = refresher.refresh(url);
    await clock.advance(10);
    expect(kidOf(await fast)).toBe("v2");
    await clock.advance(9_000);
    // The slow request's waiter gets the newest value, and the cache keeps v2.
    expect(kidOf(await slow)).toBe("v2");
    expect(kidOf(await refresher.fetch(url))).toBe("v2");
    expect(server.seen).toHaveLength(2);
    await refresher.close();
  });
});

describe("AutoRefresh: remove and close", () => {
  it("remove stops the timer, drops the value and aborts the request in flight", async () => {
    const { server, refresher, url, clock } = setup(() => response(200, jwks("a")));
    await refresher.fetch(url);
    expect(clock.pendingTimers()).toBe(1);
    refresher.remove(url);
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(10 * MIN);
    expect(server.seen).toHaveLength(1);
    await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "URL_NOT_REGISTERED" });

    refresher.configure(url, { minInterval: MIN });
    server.handler = () => server.later(100, response(200, jwks("b")));
    const waiting = refresher.fetch(url);
    const outcome = expect(waiting).rejects.toMatchObject({ code: "URL_NOT_REGISTERED" });
    refresher.remove(url);
    await outcome;
    expect(server.seen[1]?.init.signal.aborted).toBe(true);
    refresher.configure(url, { minInterval: MIN });
    expect(refresher.snapshot()[0]).toMatchObject({ hasValue: false, lastRequest: undefined });
    await refresher.close();
  });

  it("close leaves no timer, fails waiters with CLOSED and refuses later calls", async () => {
    const { server, refresher, url, clock } = setup(() => response(200, jwks("a")));
    await refresher.fetch(url);
    const other = refresher.configure("https://other.example/keys", { minInterval: MIN });
    server.handler = () => new Promise(() => undefined);
    const waiting = refresher.fetch(other);
    const outcome = expect(waiting).rejects.toMatchObject({ code: "CLOSED" });
    await refresher[Symbol.asyncDispose]();
    await outcome;
    expect(clock.pendingTimers()).toBe(0);
    await expect(refresher.fetch(url)).rejects.toMatchObject({ code: "CLOSED" });
    expect(() => refresher.configure(url)).toThrow(
      expect.objectContaining({ code: "CLOSED" }) as unknown as Error,
    );
    await refresher.close();
    await clock.advance(10 * MIN);
    expect(server.seen).toHaveLength(2);
  });

  it("supports generic values with a custom parser", async () => {
    const clock = new ManualClock();
    const server = new ScriptedClient(clock, () => response(200, "42"));
    await using refresher = new AutoRefresh<number>({
      clock,
      random,
      httpClient: server.client,
      parse: (body) => Number.parseInt(body, 10),
    });
    const url = refresher.configure("http://config.example/n");
    expect(await refresher.fetch(url)).toBe(42);
    await flushMicrotasks();
  });
});
