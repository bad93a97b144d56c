import { describe, expect, it } from "vitest";
import * as errors from "../../src/errors.js";
import * as log from "../../src/log/index.js";
import * as random from "../../src/random/index.js";
import * as retry from "../../src/retry/index.js";
import * as sync from "../../src/sync/index.js";
import * as time from "../../src/time/index.js";
import * as validate from "../../src/validate.js";

// Other modules and the sim-server code against these names; renaming one must fail loudly.
describe("public exports of the primitive modules", () => {
  it.each([
    [
      "time",
      time,
      [
        "abortReason",
        "anySignal",
        "deadlineSignal",
        "isAbortError",
        "isTimeoutError",
        "normalizeTimerDelay",
        "sleep",
        "sleepUntil",
        "systemClock",
        "throwIfAborted",
        "timeoutError",
        "timeoutSignal",
      ],
    ],
    ["random", random, ["drawUnit", "randomBetween", "randomInt", "systemRandom"]],
    [
      "log",
      log,
      ["LOG_LEVELS", "consoleLogger", "formatLogFields", "isLevelEnabled", "noopLogger"],
    ],
    ["sync", sync, ["Channel"]],
    [
      "retry",
      retry,
      [
        "BACKOFF_JITTER",
        "BACKOFF_MULTIPLIER",
        "ExponentialBackoff",
        "INITIAL_BACKOFF_MS",
        "MAX_BACKOFF_MS",
        "MAX_BACKOFF_MULTIPLIER",
        "MIN_CONNECT_TIMEOUT_MS",
        "backoffDelay",
        "baseBackoff",
        "connectDeadline",
        "resolveBackoffOptions",
      ],
    ],
    ["errors", errors, ["DsimError", "isDsimError"]],
    [
      "validate",
      validate,
      [
        "MAX_TIMER_DELAY_MS",
        "describeValue",
        "requireBigint",
        "requireBoolean",
        "requireFiniteDuration",
        "requireFiniteNumber",
        "requireFunction",
        "requireInteger",
        "requireObject",
        "requireOneOf",
        "requireSignal",
        "requireString",
      ],
    ],
  ])("%s exports exactly its documented runtime names", (_name, module, names) => {
    expect(Object.keys(module).sort()).toEqual([...names].sort());
  });
});
