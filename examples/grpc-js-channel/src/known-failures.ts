/**
 * Misbehaviours of grpc-js that the simulation reproduces, pinned as known failures (see
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

/** @grpc/grpc-js 1.14.7's findings. */
export const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    client: "@grpc/grpc-js",
    version: "1.14.7",
    summary:
      "ConnectionInjector.drain(grace) destroys, at the grace deadline, sessions accepted after drain() that never got a GOAWAY",
    suite: "grpc-js-injector-drain",
    seed: 42,
    path: "5:0:0:1:0:0:1:1:0:0:2:1:3:1:3",
    invariant: "grpc.goaway-before-server-close",
    upstream: "not reported",
  },
];
