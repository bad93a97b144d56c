/**
 * gRPC's server keepalive enforcement (gRFC A8) with its defaults, for servers that node:http2
 * does not police by itself: a ping sooner than the allowed interval after the previous one is a
 * strike; more than two strikes earn GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings"). The server
 * sending headers or data makes the next ping free and the strikes start again.
 */
export class PingStrikes {
  /** gRPC's default minimum interval between pings while streams are active. */
  static readonly MIN_INTERVAL_MS = 300_000;
  /** Without active streams a client should not ping at all; grpc-go tolerates one per 2 h. */
  static readonly IDLE_INTERVAL_MS = 2 * 60 * 60 * 1000;
  /** Strikes tolerated before the GOAWAY. */
  static readonly MAX_STRIKES = 2;
  #lastPingAt: number | undefined;
  #strikes = 0;
  #resetPending = false;

  /** The server sent headers or data. */
  serverSent(): void {
    this.#resetPending = true;
  }

  /** Judges one ping at `now`; true when the client is over its strikes. */
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
        activeStreams === 0 ? PingStrikes.IDLE_INTERVAL_MS : PingStrikes.MIN_INTERVAL_MS;
      if (now - last < interval) this.#strikes += 1;
    }
    return this.#strikes > PingStrikes.MAX_STRIKES;
  }
}
