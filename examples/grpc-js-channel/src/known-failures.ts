import type { KnownFailure } from "@dsim/scenarios/vitest";

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
  {
    client: "@grpc/grpc-js",
    version: "1.14.7",
    summary:
      "a channel closed while its subchannel is in TRANSIENT_FAILURE keeps the backoff timer: the subchannel dials again after close() (and if the server is back, keeps that connection open)",
    suite: "grpc-js-close-in-backoff",
    seed: 42,
    path: "1:0:0:1:0:0:0:0:0:3:1:1:0:1:1:0:0",
    invariant: "conn.nothing-left-after-close",
    upstream: "not reported",
  },
  {
    client: "@grpc/grpc-js",
    version: "1.14.7",
    summary:
      "no connect deadline (MIN_CONNECT_TIMEOUT 20 s): a connection attempt to an unreachable server hangs until the network heals or the OS gives up",
    suite: "grpc-js-connect-unreachable",
    seed: 42,
    path: "0:0:0:0:0",
    invariant: "conn.connect-deadline",
    upstream: "https://github.com/grpc/grpc-node/issues/2785",
  },
  {
    client: "@grpc/grpc-js",
    version: "1.14.7",
    summary:
      "connection backoff compounds its jitter (the next delay is 1.6 × the previous jittered delay), so the k-th delay drifts below the spec's 0.8 · 1.6^k s",
    suite: "grpc-js-channel-faults",
    seed: 42,
    path: "12:0:0:0:0:0:2:2:1:1:0:0:0:2:3:3:0:0:0:0:2:1:1:4:2:1:1",
    invariant: "conn.backoff-spacing",
    upstream: "not reported",
  },
];
