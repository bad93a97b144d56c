import { describe, expect, it } from "vitest";
import {
  ClientConn,
  type ClientConnOptions,
  iterableResolver,
  ManualResolver,
  staticResolver,
} from "../src/conn/index.js";
import { Lessor, type LessorOptions } from "../src/lease/index.js";
import {
  AutoRefresh,
  createJwksRefresh,
  MAX_HEADER_VALUE_LENGTH,
  MAX_JWKS_BYTES,
  MAX_JWKS_CONTAINERS,
  MAX_JWKS_DEPTH,
  MAX_JWKS_KEYS,
  parseCacheControl,
  parseDeltaSeconds,
  parseHttpDate,
  parseJwks,
  remainingFreshnessMs,
} from "../src/refresh/index.js";
import { ExponentialBackoff, resolveBackoffOptions } from "../src/retry/index.js";
import { MAX_TIMER_DELAY_MS } from "../src/validate.js";
import { FakeDialer } from "./conn/fake-transport.js";
import { seededRandom } from "./conn/harness.js";
import { VirtualClock } from "./conn/virtual-clock.js";
import { FakeLeaseClient } from "./lease/helpers/fake-lease-client.js";
import { TestClock } from "./lease/helpers/test-clock.js";
import { response, ScriptedClient } from "./refresh/helpers/scripted-client.js";
import { ManualClock } from "./time/manual-clock.js";

/** A thrown error of class `Ctor` whose message names `name` (quoted, as the validators do). */
function expectNamed(fn: () => unknown, Ctor: typeof TypeError, name: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Ctor);
  expect(String((caught as Error).message)).toContain(name);
}

/** A RefreshError with `code` whose message matches `pattern`. */
function expectRefreshError(fn: () => unknown, code: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ name: "RefreshError", code });
  expect(String((caught as Error).message)).toMatch(pattern);
}

describe("backoff: every delay fits a timer", () => {
  const conn = (backoff: ClientConnOptions["backoff"]): ClientConn => {
    const clock = new VirtualClock();
    return new ClientConn({
      target: "a:1",
      dialer: new FakeDialer(clock),
      clock,
      random: seededRandom(1),
      ...(backoff === undefined ? {} : { backoff }),
    });
  };
  it.each([
    [{ initialMs: 3e9, maxMs: 3e9 }, "backoff.initialMs"],
    [{ multiplier: 1e10, maxMs: 1e12 }, "backoff.multiplier"],
    [{ maxMs: MAX_TIMER_DELAY_MS }, "backoff.maxMs"],
    [{ maxMs: 2e9, jitter: 0.2 }, "backoff.maxMs"],
    [{ multiplier: 1e300 }, "backoff.multiplier"],
  ])("ClientConn backoff %j is a RangeError naming %s", (backoff, name) => {
    expectNamed(() => conn(backoff), RangeError, name);
  });

  it("the largest accepted backoff, jittered, still fits a timer", () => {
    const { maxMs, jitter } = resolveBackoffOptions({
      maxMs: Math.floor(MAX_TIMER_DELAY_MS / 1.2),
    });
    expect(maxMs * (1 + jitter)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
  });

  it.each([
    [{ initialMs: 3e9 }, "initialMs"],
    [{ maxMs: 1e12 }, "maxMs"],
  ])("ExponentialBackoff %j is a RangeError naming %s", (options, name) => {
    expectNamed(() => new ExponentialBackoff(options), RangeError, name);
  });

  it("a per-URL refresh backoff is bounded the same way", () => {
    const clock = new ManualClock();
    const refresher = createJwksRefresh({
      clock,
      random: seededRandom(1),
      httpClient: new ScriptedClient(clock, () => response(200, "{}")).client,
    });
    expectNamed(
      () => refresher.configure("https://a.example/jwks", { backoff: { maxMs: 1e12 } }),
      RangeError,
      "maxMs",
    );
  });
});

describe("ports are checked at construction", () => {
  const clock = new ManualClock();
  const base = {
    clock,
    random: seededRandom(1),
    httpClient: new ScriptedClient(clock, () => response(200, "{}")).client,
    parse: (body: string) => body,
  };
  it.each([
    [{ clock: {} }, "clock.now"],
    [{ clock: { now: () => 0, setTimeout: () => 0 } }, "clock.clearTimeout"],
    [{ random: {} }, "random.next"],
    [{ logger: 5 }, "logger"],
    [{ logger: null }, "logger"],
    [{ logger: {} }, "logger.log"],
  ])("new AutoRefresh(%j) is a TypeError naming %s", (override, name) => {
    expectNamed(
      () => new AutoRefresh({ ...base, ...(override as object) } as typeof base),
      TypeError,
      name,
    );
  });

  it.each([null, undefined, 5, "options"])("createJwksRefresh(%j) is a TypeError", (value) => {
    expectNamed(
      () => createJwksRefresh(value as unknown as Parameters<typeof createJwksRefresh>[0]),
      TypeError,
      "options",
    );
  });

  const lessor = (override: Partial<Record<keyof LessorOptions, unknown>>): Lessor => {
    const testClock = new TestClock();
    return new Lessor({
      client: new FakeLeaseClient(testClock),
      clock: testClock,
      ...override,
    } as LessorOptions);
  };
  it.each([
    [{ clock: { now: () => 0, setTimeout: () => 0 } }, "clock"],
    [{ logger: null }, "logger"],
    [{ logger: 5 }, "logger"],
  ])("new Lessor(%j) is a TypeError naming %s", (override, name) => {
    expectNamed(() => lessor(override), TypeError, name);
  });

  it.each([
    ["retryConnWaitMs", 3e9],
    ["sendIntervalMs", 1e308],
    ["firstKeepAliveTimeoutMs", MAX_TIMER_DELAY_MS + 1],
  ])("Lessor %s %d is a RangeError naming it", (name, value) => {
    expectNamed(() => lessor({ [name]: value }), RangeError, name);
  });
});

describe("addresses are host:port with a port in [1, 65535]", () => {
  it.each([
    ["127.0.0.1:99999", RangeError],
    ["127.0.0.1:0", RangeError],
    ["http://a.example:443", TypeError],
    [":80", TypeError],
    ["a.example", TypeError],
    ["a.example:", TypeError],
    ["a b:80", TypeError],
    ["[::1]", TypeError],
  ])("%s is rejected at construction", (address, Ctor) => {
    const clock = new VirtualClock();
    const options = { dialer: new FakeDialer(clock), clock, random: seededRandom(1) };
    expectNamed(() => new ClientConn({ ...options, target: address }), Ctor, "address");
    expectNamed(() => new ClientConn({ ...options, target: ["a:1", address] }), Ctor, "address");
    expectNamed(() => staticResolver([address]), Ctor, "address");
    expectNamed(() => new ManualResolver(["a:1"]).update([address]), Ctor, "address");
  });

  it("accepts IPv4, IPv6 and names", () => {
    expect(() =>
      staticResolver(["127.0.0.1:1", "[::1]:443", "s0:50051", "a.b-c.example:65535"]),
    ).not.toThrow();
  });

  it("a stream of lists stops at a malformed list and never dials it", async () => {
    const clock = new VirtualClock();
    const dialer = new FakeDialer(clock);
    const lists: (readonly string[])[] = [["a:1"], ["http://b:1"]];
    const source: AsyncIterable<readonly string[]> = {
      async *[Symbol.asyncIterator]() {
        yield* lists;
      },
    };
    await using conn = new ClientConn({
      resolver: iterableResolver(source),
      dialer,
      clock,
      random: seededRandom(1),
    });
    conn.getState(true);
    for (let i = 0; i < 50; i++) await Promise.resolve();
    const dialed = dialer.dials.map((d) => d.address);
    expect(dialed).toContain("a:1");
    expect(dialed).not.toContain("http://b:1");
  });
});

describe("parsers: non-strings get the typed error", () => {
  it.each([undefined, null, 5, {}, ["max-age=1"]])("parseCacheControl(%j)", (value) => {
    expectRefreshError(
      () => parseCacheControl(value as unknown as string),
      "HEADER_INVALID",
      /string/,
    );
  });
  it.each([undefined, null, 5])("parseDeltaSeconds(%j)", (value) => {
    expectRefreshError(
      () => parseDeltaSeconds(value as unknown as string),
      "HEADER_INVALID",
      /string/,
    );
  });
  it.each([undefined, null, 12345, new Date(0)])("parseHttpDate(%j)", (value) => {
    expectRefreshError(() => parseHttpDate(value as unknown as string), "HEADER_INVALID", /string/);
  });
  it.each([undefined, null, 5, { keys: [] }])("parseJwks(%j)", (value) => {
    expectRefreshError(() => parseJwks(value as unknown as string), "BODY_INVALID", /string/);
  });
});

describe("parsers: size limits of the kind HTTP stacks apply", () => {
  const long = MAX_HEADER_VALUE_LENGTH + 1;
  it("a Cache-Control value over the limit names the limit (1 MB quoted string)", () => {
    const value = `private="${"a".repeat(1_000_000)}"`;
    expectRefreshError(() => parseCacheControl(value), "HEADER_INVALID", /8192/);
    expectRefreshError(() => parseCacheControl("a,".repeat(long)), "HEADER_INVALID", /8192/);
  });

  it("a Cache-Control value at the limit still parses", () => {
    const value = `max-age=60, private="${"a".repeat(MAX_HEADER_VALUE_LENGTH - 32)}"`;
    expect(value.length).toBeLessThanOrEqual(MAX_HEADER_VALUE_LENGTH);
    expect(parseCacheControl(value).maxAge).toBe(60);
  });

  it("delta-seconds and HTTP-dates over the limit name it", () => {
    expectRefreshError(() => parseDeltaSeconds("1".repeat(long)), "HEADER_INVALID", /8192/);
    expectRefreshError(() => parseHttpDate(" ".repeat(long)), "HEADER_INVALID", /8192/);
  });

  it("an Age of 1 MB of commas is ignored like any invalid Age", () => {
    const headers = (age: string | null) => ({
      get: (name: string) =>
        name === "cache-control" ? "max-age=100" : name === "age" ? age : null,
    });
    expect(remainingFreshnessMs(headers(",".repeat(1_000_000)), 0)).toBe(100_000);
    expect(remainingFreshnessMs(headers(`10${",".repeat(1_000_000)}`), 0)).toBe(100_000);
    expect(remainingFreshnessMs(headers("10, 20"), 0)).toBe(90_000);
  });

  it("a JWKS of 1 MiB deep nesting names the depth limit, or the size limit", () => {
    const deep = `{"keys":[{"kty":"oct","x":${"[".repeat(1_048_576)}${"]".repeat(1_048_576)}}]}`;
    expectRefreshError(
      () => parseJwks(deep),
      "BODY_TOO_LARGE",
      new RegExp(`${MAX_JWKS_BYTES} bytes`),
    );
    const depth = MAX_JWKS_DEPTH + 1;
    const nested = `{"keys":[{"kty":"oct","x":${"[".repeat(depth)}${"]".repeat(depth)}}]}`;
    expectRefreshError(() => parseJwks(nested), "BODY_INVALID", /nesting depth .*32/);
    const strings = `{"keys":[{"kty":"oct","x":"${"[".repeat(depth)}"}]}`;
    expect(parseJwks(strings).keys).toHaveLength(1);
  });

  it("a JWKS of many small arrays names the object/array limit", () => {
    const arrays = (n: number) =>
      `{"keys":[{"kty":"oct","x":[${Array.from({ length: n }, () => "[]").join(",")}]}]}`;
    expectRefreshError(
      () => parseJwks(arrays(MAX_JWKS_CONTAINERS)),
      "BODY_INVALID",
      new RegExp(`${MAX_JWKS_CONTAINERS} objects and arrays`),
    );
    // Root, keys array, one key and its "x" array: four containers besides the small arrays.
    expect(parseJwks(arrays(MAX_JWKS_CONTAINERS - 4)).keys).toHaveLength(1);
  });

  it("a JWKS over the byte limit is BODY_TOO_LARGE naming it", () => {
    const body = `{"keys":[],"pad":"${"a".repeat(MAX_JWKS_BYTES)}"}`;
    expectRefreshError(
      () => parseJwks(body),
      "BODY_TOO_LARGE",
      new RegExp(`${MAX_JWKS_BYTES} bytes`),
    );
  });

  it("200 000 keys name the byte limit; more keys than the key limit name that", () => {
    const many = (n: number) =>
      JSON.stringify({ keys: Array.from({ length: n }, () => ({ kty: "a" })) });
    expectRefreshError(() => parseJwks(many(200_000)), "BODY_TOO_LARGE", /bytes/);
    expectRefreshError(
      () => parseJwks(many(MAX_JWKS_KEYS + 1)),
      "BODY_INVALID",
      new RegExp(`${MAX_JWKS_KEYS} keys`),
    );
    expect(parseJwks(many(MAX_JWKS_KEYS)).keys).toHaveLength(MAX_JWKS_KEYS);
  });
});
