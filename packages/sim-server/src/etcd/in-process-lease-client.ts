import {
  type Clock,
  GrpcCode,
  type LeaseCallOptions,
  type LeaseClient,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseKeepAliveCallOptions,
  type LeaseKeepAliveListener,
  type LeaseKeepAliveResponse,
  type LeaseKeepAliveStream,
  type LeaseLeasesResponse,
  type LeaseRevokeRequest,
  type LeaseRevokeResponse,
  type LeaseTimeToLiveRequest,
  type LeaseTimeToLiveResponse,
  REQUIRE_LEADER_KEY,
  REQUIRE_LEADER_VALUE,
} from "@dsim/core";
import type { SeededRandom } from "../kernel/contracts.js";
import { DelayLine } from "./delay-line.js";
import type { EtcdCluster, KeepAliveSession } from "./etcd-cluster.js";
import { EtcdTransportError } from "./etcd-status-error.js";

/** Options of an {@link InProcessLeaseClient}. */
export interface InProcessLeaseClientOptions {
  readonly cluster: EtcdCluster;
  /** The transport's clock view (e.g. `sim.clockFor("etcd-client")`). */
  readonly clock: Clock;
  /** Seeded stream for drop decisions (e.g. `sim.randomFor("etcd-client")`). */
  readonly random: SeededRandom;
  /** Member indices to talk to, in order of preference. Default: member 0. */
  readonly endpoints?: readonly number[];
  /** One-way latency in ms. Default 1. */
  readonly latencyMs?: number;
}

interface StreamState {
  ended: boolean;
  session: KeepAliveSession | undefined;
  readonly listener: LeaseKeepAliveListener;
  readonly end: (error: Error | undefined) => void;
}

// Hot-path deliveries are plain functions with arguments: no closure per keep-alive message.
function runThunk(fn: () => void): void {
  fn();
}

function deliverRequest(state: StreamState, id: bigint): void {
  if (!state.ended) state.session?.receive(id);
}

function deliverResponse(state: StreamState, response: LeaseKeepAliveResponse): void {
  if (!state.ended) state.listener.onResponse(response);
}

/**
 * A {@link LeaseClient} that reaches an {@link EtcdCluster} member directly through two in-order
 * delay lines (no gRPC framing): the fastest way to run the lessor against the fake etcd. It also
 * carries the transport faults: latency, dropped keep-alive requests or responses, and endpoint
 * failover (a refused call moves to the next endpoint). The gRPC path is `GrpcLeaseClient` over
 * core's `ClientConn`.
 */
export class InProcessLeaseClient implements LeaseClient, AsyncDisposable {
  readonly #cluster: EtcdCluster;
  readonly #random: SeededRandom;
  readonly #endpoints: readonly number[];
  readonly #up: DelayLine;
  readonly #down: DelayLine;
  readonly #streams = new Set<StreamState>();
  readonly #pendingCalls = new Set<() => void>();
  #endpoint = 0;
  #closed = false;
  /** One-way latency in ms; change it to inject a latency spike. */
  latencyMs: number;
  /** Probability that a keep-alive request is lost on the way to the server. */
  dropRequests = 0;
  /** Probability that a keep-alive response is lost on the way back. */
  dropResponses = 0;

  constructor(options: InProcessLeaseClientOptions) {
    this.#cluster = options.cluster;
    this.#random = options.random;
    const endpoints = options.endpoints ?? [0];
    if (endpoints.length === 0) throw new RangeError("InProcessLeaseClient: no endpoints");
    this.#endpoints = endpoints;
    this.latencyMs = options.latencyMs ?? 1;
    if (!(this.latencyMs >= 0)) throw new RangeError("InProcessLeaseClient: latencyMs must be ≥ 0");
    this.#up = new DelayLine(options.clock);
    this.#down = new DelayLine(options.clock);
  }

  /** Keep-alive streams not yet ended. */
  openStreams(): number {
    return this.#streams.size;
  }

  /** The member the next call goes to. */
  get endpoint(): number {
    return this.#endpoints[this.#endpoint % this.#endpoints.length] as number;
  }

  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse> {
    return this.#unary(options, (m) => this.#cluster.grant(m, request));
  }

  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse> {
    return this.#unary(options, (m) => this.#cluster.revoke(m, request.ID));
  }

  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#unary(options, (m) => this.#cluster.timeToLive(m, request));
  }

  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse> {
    return this.#unary(options, (m) => this.#cluster.leases(m));
  }

  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream {
    const { listener, signal } = options;
    const requireLeader = options.metadata[REQUIRE_LEADER_KEY]?.[0] === REQUIRE_LEADER_VALUE;
    const onAbort = (): void => {
      const session = state.session;
      this.#up.push(this.latencyMs, runThunk, () => session?.cancel(), undefined);
      state.end(new EtcdTransportError(GrpcCode.CANCELLED, "context canceled"));
    };
    const state: StreamState = {
      ended: false,
      session: undefined,
      listener,
      end: (error) => {
        if (state.ended) return;
        state.ended = true;
        this.#streams.delete(state);
        signal.removeEventListener("abort", onAbort);
        listener.onEnd(error);
      },
    };
    this.#streams.add(state);
    if (this.#closed) {
      state.end(new EtcdTransportError(GrpcCode.UNAVAILABLE, "client closed"));
      return { send: () => false, closeSend: () => {} };
    }
    if (signal.aborted) {
      state.end(new EtcdTransportError(GrpcCode.CANCELLED, "context canceled"));
      return { send: () => false, closeSend: () => {} };
    }
    signal.addEventListener("abort", onAbort, { once: true });
    const member = this.endpoint;
    const open = (): void => {
      if (state.ended) return;
      try {
        state.session = this.#cluster.openKeepAlive(member, requireLeader, {
          onResponse: (response) => {
            if (this.dropResponses > 0 && this.#random.chance(this.dropResponses)) return;
            this.#down.push(this.latencyMs, deliverResponse, state, response);
          },
          onEnd: (error) => this.#down.push(this.latencyMs, state.end, error, undefined),
        });
      } catch (error) {
        this.#failover();
        this.#down.push(this.latencyMs, state.end, error as Error, undefined);
      }
    };
    this.#up.push(this.latencyMs, runThunk, open, undefined);
    return {
      send: (request) => {
        if (state.ended) return false;
        if (this.dropRequests > 0 && this.#random.chance(this.dropRequests)) return true;
        this.#up.push(this.latencyMs, deliverRequest, state, request.ID);
        return true;
      },
      closeSend: () => {},
    };
  }

  /** Ends every stream and drops everything in flight. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#up.close();
    this.#down.close();
    for (const state of [...this.#streams]) {
      state.session?.cancel();
      state.end(new EtcdTransportError(GrpcCode.UNAVAILABLE, "client closed"));
    }
    for (const fail of [...this.#pendingCalls]) fail();
    return Promise.resolve();
  }

  /** Same as {@link InProcessLeaseClient.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #failover(): void {
    this.#endpoint = (this.#endpoint + 1) % this.#endpoints.length;
  }

  #unary<T>(options: LeaseCallOptions, run: (member: number) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (this.#closed) {
        reject(new EtcdTransportError(GrpcCode.UNAVAILABLE, "client closed"));
        return;
      }
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        this.#pendingCalls.delete(onClose);
        signal.removeEventListener("abort", onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (finish()) reject(new EtcdTransportError(GrpcCode.CANCELLED, "context canceled"));
      };
      const onClose = (): void => {
        if (finish()) reject(new EtcdTransportError(GrpcCode.UNAVAILABLE, "client closed"));
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
      this.#pendingCalls.add(onClose);
      const member = this.endpoint;
      this.#up.push(
        this.latencyMs,
        runThunk,
        () => {
          if (done) return;
          let outcome: { ok: true; value: T } | { ok: false; error: unknown };
          try {
            outcome = { ok: true, value: run(member) };
          } catch (error) {
            if (error instanceof EtcdTransportError) this.#failover();
            outcome = { ok: false, error };
          }
          const settle = (): void => {
            if (!finish()) return;
            if (outcome.ok) resolve(outcome.value);
            else reject(outcome.error);
          };
          this.#down.push(this.latencyMs, runThunk, settle, undefined);
        },
        undefined,
      );
    });
  }
}
