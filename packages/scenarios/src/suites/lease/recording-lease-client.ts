import {
  type LeaseCallOptions,
  type LeaseClient,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseKeepAliveCallOptions,
  type LeaseKeepAliveStream,
  type LeaseLeasesResponse,
  type LeaseRevokeRequest,
  type LeaseRevokeResponse,
  type LeaseTimeToLiveRequest,
  type LeaseTimeToLiveResponse,
  REQUIRE_LEADER_KEY,
  REQUIRE_LEADER_VALUE,
} from "@dsim/core";

/** One keep-alive stream the lessor opened, as seen at the edge between lessor and transport. */
export interface StreamFact {
  readonly openedAt: number;
  /** Opened with `hasleader: true`: the lessor's shared stream (the workload's keepAliveOnce never asks). */
  readonly requireLeader: boolean;
  /** Requests the lessor sent on it. */
  requests: number;
  /** When the lessor aborted it (null: never). */
  abortedAt: number | null;
  /** The lessor aborted it while it was still open (before the transport reported its end). */
  abortedWhileOpen: boolean;
  /** When the transport reported its end (null: not yet). */
  endedAt: number | null;
}

/**
 * A {@link LeaseClient} that forwards to another and records every keep-alive stream the lessor
 * opens: who ended it first (the lessor by aborting, or the server/transport) and when. It judges
 * the lessor from the outside, so it sees what any client implementation would do.
 */
export class RecordingLeaseClient implements LeaseClient {
  readonly #inner: LeaseClient;
  readonly #now: () => number;
  /** Every stream, in opening order. */
  readonly streams: StreamFact[] = [];

  constructor(inner: LeaseClient, now: () => number) {
    this.#inner = inner;
    this.#now = now;
  }

  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse> {
    return this.#inner.grant(request, options);
  }

  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse> {
    return this.#inner.revoke(request, options);
  }

  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#inner.timeToLive(request, options);
  }

  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse> {
    return this.#inner.leases(options);
  }

  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream {
    const fact: StreamFact = {
      openedAt: this.#now(),
      requireLeader: options.metadata[REQUIRE_LEADER_KEY]?.[0] === REQUIRE_LEADER_VALUE,
      requests: 0,
      abortedAt: null,
      abortedWhileOpen: false,
      endedAt: null,
    };
    this.streams.push(fact);
    const { signal } = options;
    const onAbort = (): void => {
      fact.abortedAt ??= this.#now();
      if (fact.endedAt === null) fact.abortedWhileOpen = true;
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    const stream = this.#inner.keepAlive({
      ...options,
      listener: {
        onResponse: (response) => options.listener.onResponse(response),
        onEnd: (error) => {
          fact.endedAt ??= this.#now();
          signal.removeEventListener("abort", onAbort);
          options.listener.onEnd(error);
        },
      },
    });
    return {
      send: (request) => {
        const sent = stream.send(request);
        if (sent) fact.requests += 1;
        return sent;
      },
      closeSend: () => stream.closeSend(),
    };
  }
}
