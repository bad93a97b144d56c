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
  {
    client: "etcd3",
    version: "1.1.2",
    summary:
      "cut off from the cluster, a lease's `lost` fires 2×TTL after the last acknowledged keep-alive — about one TTL after etcd expired it (TTL 5 s: expired at 5.5 s, `lost` at 10.2 s), so the application believes it holds a lease etcd already dropped",
    suite: "etcd3-partition-lost",
    seed: 42,
    path: "0:0:0:0:0:0:0",
    invariant: "lease.prompt-loss-report",
    upstream: "https://github.com/microsoft/etcd3/issues/155",
  },
];
