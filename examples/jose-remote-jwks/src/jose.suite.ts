import {
  checkBackoffSpacing,
  checkLivenessAfterHeal,
  checkStaleServing,
  defineSuite,
  expectNoViolations,
  fc,
} from "@dsim/scenarios";
import { KEY_1, KEY_2 } from "./identities.js";
import { type JwksCase, runJwksCase } from "./jwks-world.js";

/** gRPC's connection-backoff numbers, the bar a retrying client is held to here. */
const BACKOFF = { initialMs: 1_000, multiplier: 1.6, jitter: 0.2, maxMs: 30_000 };

/** The rules every jose case is judged by, from the outside. */
function judge(c: JwksCase, seen: Awaited<ReturnType<typeof runJwksCase>>): void {
  expectNoViolations(
    // Once it has keys, a verifier keeps verifying through an outage (stale-if-error).
    checkStaleServing(seen.reads, seen.firstValueAt),
    // While the endpoint fails, fetches back off instead of following the verify rate.
    checkBackoffSpacing(seen.attempts, BACKOFF),
    // Once the endpoint is back, verification works again within two verify periods.
    checkLivenessAfterHeal(
      seen.reads.map((read) => ({ at: read.at, ok: read.served })),
      seen.healedAt,
      2 * c.verifyEveryMs + 1_000,
      c.horizonMs,
    ),
  );
}

/**
 * A WebCrypto verification held by the crypto barrier keeps the run loop busy for as many real
 * event-loop turns as it takes; now and then that is beyond the kernel's default livelock bound
 * (100 000 turns), which must not fail a case.
 */
const simulation = { maxBusyTurns: 100_000_000 };

/**
 * After a key rotation, stale keys cannot verify the new tokens, so the stale-serving rule does
 * not apply: the new key must be picked up within two verify periods, without a fetch storm.
 */
function judgeRotation(c: JwksCase, seen: Awaited<ReturnType<typeof runJwksCase>>): void {
  expectNoViolations(
    checkLivenessAfterHeal(
      seen.reads.map((read) => ({ at: read.at, ok: read.served })),
      seen.healedAt,
      2 * c.verifyEveryMs + 1_000,
      c.horizonMs,
    ),
    checkBackoffSpacing(seen.attempts, BACKOFF),
  );
}

const fault = fc.constantFrom<JwksCase["fault"]>("status-503", "reset");
const latencyMs = fc.integer({ min: 1, max: 50 });

/** The identity provider is down when the app starts: no key set has been fetched yet. */
export const coldStartOutage = defineSuite<JwksCase>({
  name: "jose-cold-start-outage",
  description: "jose createRemoteJWKSet: the JWKS endpoint fails from the start for up to 2 min",
  defaultRuns: 100,
  simulation,
  arbitrary: fc.record({
    outageStartMs: fc.constant(0),
    outageMs: fc.integer({ min: 0, max: 120_000 }),
    fault,
    verifyEveryMs: fc.constantFrom(500, 1_000, 5_000),
    latencyMs,
    horizonMs: fc.constant(180_000),
  }),
  plan: (c) => ({ ...c }),
  run: async (sim, c) => judge(c, await runJwksCase(sim, c, KEY_1)),
});

/** The identity provider fails later, across the moment jose's cached key set gets too old. */
export const outageAfterExpiry = defineSuite<JwksCase>({
  name: "jose-outage-past-cache-max-age",
  description: "jose createRemoteJWKSet: the JWKS endpoint fails for minutes after a good fetch",
  defaultRuns: 100,
  simulation,
  arbitrary: fc.record({
    outageStartMs: fc.integer({ min: 1_000, max: 600_000 }),
    outageMs: fc.integer({ min: 0, max: 600_000 }),
    fault,
    verifyEveryMs: fc.constantFrom(5_000, 15_000),
    latencyMs,
    horizonMs: fc.constant(900_000),
  }),
  plan: (c) => ({ ...c }),
  run: async (sim, c) => judge(c, await runJwksCase(sim, c, KEY_1)),
});

/** The identity provider rotates its signing key while everything is up. */
export const keyRotation = defineSuite<JwksCase>({
  name: "jose-key-rotation",
  description:
    "jose createRemoteJWKSet: the signing key rotates; tokens of the new key must verify",
  defaultRuns: 100,
  simulation,
  arbitrary: fc.record({
    outageStartMs: fc.constant(0),
    outageMs: fc.constant(0),
    fault,
    verifyEveryMs: fc.constantFrom(500, 1_000, 5_000),
    latencyMs,
    horizonMs: fc.constant(90_000),
    rotateAtMs: fc.integer({ min: 0, max: 60_000 }),
  }),
  plan: (c) => ({ ...c }),
  run: async (sim, c) => judgeRotation(c, await runJwksCase(sim, c, KEY_1, KEY_2)),
});

export default [coldStartOutage, outageAfterExpiry, keyRotation];
