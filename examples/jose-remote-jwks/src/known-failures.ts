import type { KnownFailure } from "@dsim/scenarios/vitest";

/** jose 6's `createRemoteJWKSet` findings. */
export const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    client: "jose",
    version: "6.2.19",
    summary:
      "createRemoteJWKSet without a cached key set: every verify during an outage starts a new JWKS fetch, at the verify rate, with no backoff",
    suite: "jose-cold-start-outage",
    seed: 42,
    path: "0:0:1:0:1:0:0:0:3:0:0:1:0:1:0:0:0:0:1:0:1:1:0:1:0:1",
    invariant: "conn.backoff-spacing",
    upstream: "not reported",
  },
  {
    client: "jose",
    version: "6.2.19",
    summary:
      "createRemoteJWKSet has no stale-if-error: once the key set is older than cacheMaxAge (10 min), every verify fails while the endpoint is down",
    suite: "jose-outage-past-cache-max-age",
    seed: 42,
    path: "1:0:1:0:0:0:0:0:0:3:0:0:0:0:1:0:0:0:21:0:6:0:3",
    invariant: "refresh.serves-stale",
    upstream: "not reported",
  },
  {
    client: "jose",
    version: "6.2.19",
    summary:
      "createRemoteJWKSet rejects tokens of a rotated key (unknown kid) until cooldownDuration (30 s) has passed since the last fetch",
    suite: "jose-key-rotation",
    seed: 42,
    path: "2:0:0:1:0:0:0:0:0:0:0:0:0:0:0:2",
    invariant: "refresh.live-after-heal",
    upstream: "not reported",
  },
];
