/**
 * The server's keepalive enforcement (gRFC A8). A ping that comes too soon after the previous one
 * earns a strike; more than `maxPingStrikes` strikes get the connection a GOAWAY
 * (ENHANCE_YOUR_CALM, "too_many_pings"). Sending headers or data resets the strikes.
 */
export interface PingPolicy {
  /** The minimum interval between client pings while streams are active. gRPC default 5 min. */
  readonly minPingIntervalMs: number;
  /** Whether pings without active streams are allowed at `minPingIntervalMs`. gRPC default false. */
  readonly permitWithoutStream: boolean;
  /** Strikes tolerated before GOAWAY. gRPC default 2. */
  readonly maxPingStrikes: number;
}

/** gRPC's defaults for {@link PingPolicy}. */
export const DEFAULT_PING_POLICY: PingPolicy = {
  minPingIntervalMs: 300_000,
  permitWithoutStream: false,
  maxPingStrikes: 2,
};

/**
 * Without active streams and without `permitWithoutStream`, a client should not be pinging at all;
 * grpc-go tolerates one ping per two hours in that state.
 */
const IDLE_PING_INTERVAL_MS = 2 * 60 * 60 * 1000;

/** Validates a partial policy and fills in the gRPC defaults. */
export function resolvePingPolicy(policy: Partial<PingPolicy>): PingPolicy {
  const resolved = { ...DEFAULT_PING_POLICY, ...policy };
  if (!(Number.isFinite(resolved.minPingIntervalMs) && resolved.minPingIntervalMs >= 0)) {
    throw new RangeError(
      `pingPolicy.minPingIntervalMs must be >= 0, got ${resolved.minPingIntervalMs}`,
    );
  }
  if (!(Number.isInteger(resolved.maxPingStrikes) && resolved.maxPingStrikes >= 0)) {
    throw new RangeError(
      `pingPolicy.maxPingStrikes must be an integer >= 0, got ${resolved.maxPingStrikes}`,
    );
  }
  if (typeof resolved.permitWithoutStream !== "boolean") {
    throw new TypeError("pingPolicy.permitWithoutStream must be a boolean");
  }
  return resolved;
}

/** Per-connection ping accounting. */
export class PingEnforcer {
  readonly #policy: PingPolicy;
  #lastPingAt: number | undefined;
  #strikes = 0;
  #resetPending = false;

  constructor(policy: PingPolicy) {
    this.#policy = policy;
  }

  /** Current strikes. */
  get strikes(): number {
    return this.#strikes;
  }

  /** The server sent headers or data: the next ping is not judged and strikes restart at 0. */
  resetStrikes(): void {
    this.#resetPending = true;
  }

  /** Judges one ping at `now`; true when the client exceeded its strikes. */
  onPing(now: number, activeStreams: number): boolean {
    const last = this.#lastPingAt;
    this.#lastPingAt = now;
    if (this.#resetPending) {
      this.#resetPending = false;
      this.#strikes = 0;
      return false;
    }
    if (last !== undefined) {
      const interval =
        activeStreams === 0 && !this.#policy.permitWithoutStream
          ? IDLE_PING_INTERVAL_MS
          : this.#policy.minPingIntervalMs;
      if (now - last < interval) this.#strikes += 1;
    }
    return this.#strikes > this.#policy.maxPingStrikes;
  }
}
