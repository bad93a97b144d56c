/**
 * Misbehaviours of etcd3 that the simulation reproduces, pinned as known failures (see
 * examples/jose-remote-jwks/src/known-failures.ts for the contract and docs/findings.md).
 */
export interface KnownFailure {
  readonly client: string;
  readonly version: string;
  readonly summary: string;
  readonly suite: string;
  readonly seed: number;
  readonly path: string;
  readonly invariant: string;
  readonly upstream: string;
}

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
