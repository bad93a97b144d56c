import type { KnownFailure } from "@dsim/scenarios/vitest";

/** etcd3 1.1.2's findings. */
export const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    client: "etcd3",
    version: "1.1.2",
    summary:
      "with its only member refusing connections, a lease's client reconnects every ~100 ms (the pool resets grpc-js channels and their backoff)",
    suite: "etcd3-member-refuses",
    seed: 42,
    path: "0:0:0:0:0:0:0",
    invariant: "conn.backoff-spacing",
    upstream: "not reported",
  },
];
