import {
  ClientConn,
  type ClientConnOptions,
  type ConnectivityState,
  isSpecTransition,
  jsonCodec,
  type MethodDescriptor,
} from "../../src/conn/index.js";
import type { LogFields, Logger, LogLevel } from "../../src/log/logger.js";
import type { Random } from "../../src/random/random.js";
import { FakeDialer } from "./fake-transport.js";
import { VirtualClock } from "./virtual-clock.js";

/** A deterministic Random (mulberry32) so backoff jitter is reproducible. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** One recorded log line. */
export interface LogRecord {
  readonly t: number;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/** A state transition as the logger reported it. */
export interface Transition {
  readonly t: number;
  readonly scope: "channel" | string;
  readonly from: ConnectivityState;
  readonly to: ConnectivityState;
}

/** Echo method used by most tests. */
export const echo: MethodDescriptor<{ n: number }, { n: number }> = {
  path: "/test.Echo/Echo",
  requestCodec: jsonCodec(),
  responseCodec: jsonCodec(),
};

const encoder = new TextEncoder();
/** JSON bytes of a value (server replies). */
export function bytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Builds a channel on a virtual clock and a fake dialer and records its logs. */
export function setup(overrides: Partial<ClientConnOptions> = {}) {
  const clock = new VirtualClock();
  const dialer = new FakeDialer(clock);
  const logs: LogRecord[] = [];
  const logger: Logger = {
    log: (level, message, fields = {}) => logs.push({ t: clock.now(), level, message, fields }),
  };
  // A resolver override replaces the default target (exactly one of them may be given).
  const options: ClientConnOptions = {
    ...(overrides.resolver === undefined ? { target: "server:1" } : {}),
    dialer,
    clock,
    random: seededRandom(7),
    logger,
    ...overrides,
  };
  const conn = new ClientConn(options);
  const transitions = (): Transition[] =>
    logs
      .filter((r) => r.message === "channel state" || r.message === "subchannel state")
      .map((r) => ({
        t: r.t,
        scope: r.message === "channel state" ? "channel" : String(r.fields.address),
        from: r.fields.from as ConnectivityState,
        to: r.fields.to as ConnectivityState,
      }));
  const illegalTransitions = (): Transition[] =>
    transitions().filter((x) => !isSpecTransition(x.from, x.to));
  const statesOf = (scope: string): ConnectivityState[] =>
    transitions()
      .filter((x) => x.scope === scope)
      .map((x) => x.to);
  return { clock, dialer, logs, conn, transitions, illegalTransitions, statesOf };
}
