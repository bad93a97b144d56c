/** A server-side or network fault at a virtual time of the case. */
export type Fault =
  /** grpc-js injector `drain(graceMs)`: GOAWAY to every session, destroy them after the grace. */
  | { readonly kind: "drain"; readonly atMs: number; readonly graceMs: number }
  /** The server process dies (`forceShutdown`: GOAWAY(CANCEL) and close) and is back `downMs` later. */
  | { readonly kind: "restart"; readonly atMs: number; readonly downMs: number }
  /** The server's connections are reset and new ones refused for `forMs`. */
  | { readonly kind: "refuse"; readonly atMs: number; readonly forMs: number }
  /** Every open connection is reset (RST), the server keeps accepting. */
  | { readonly kind: "reset"; readonly atMs: number }
  /** client ↔ server partitioned for `forMs`: nothing arrives, connections stall. */
  | { readonly kind: "partition"; readonly atMs: number; readonly forMs: number };

/** One RPC of the workload. */
export interface PlannedRpc {
  /** When the application starts it, virtual ms. */
  readonly atMs: number;
  /** gRPC's wait-for-ready call option (default false: fail-fast). */
  readonly waitForReady: boolean;
  /** Its deadline, relative to its start. */
  readonly deadlineMs: number;
}

/** One case: the network, the server's handler time, the workload and the faults. */
export interface ChannelCase {
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** Segment loss (reliable connections: each loss is a 200 ms retransmission). */
  readonly loss: number;
  /** How long the server's handler takes. */
  readonly handlerMs: number;
  readonly rpcs: readonly PlannedRpc[];
  readonly faults: readonly Fault[];
  /** When the application calls `client.close()`; default: after the last deadline and fault. */
  readonly closeAtMs?: number;
}

/** How an RPC ended, as the application saw it. */
export interface RpcOutcome {
  /** Its name, the request payload: `rpc-<index>`. */
  readonly name: string;
  readonly at: number;
  readonly waitForReady: boolean;
  readonly deadlineMs: number;
  /** Virtual ms the callback ran, and the gRPC status code (0 = OK). */
  readonly endedAt: number;
  readonly code: number;
}

/** Virtual ms a fault ends (when it has an end). */
export function faultEnd(fault: Fault): number {
  switch (fault.kind) {
    case "drain":
      return fault.atMs + fault.graceMs;
    case "restart":
      return fault.atMs + fault.downMs;
    case "refuse":
    case "partition":
      return fault.atMs + fault.forMs;
    case "reset":
      return fault.atMs;
  }
}
