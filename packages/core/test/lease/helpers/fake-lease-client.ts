import type { Metadata } from "../../../src/conn/metadata.js";
import type {
  LeaseCallOptions,
  LeaseClient,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseId,
  LeaseKeepAliveCallOptions,
  LeaseKeepAliveResponse,
  LeaseKeepAliveStream,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "../../../src/lease/index.js";
import { EMPTY_HEADER, EtcdMessage, GrpcCode } from "../../../src/lease/index.js";
import type { TestClock } from "./test-clock.js";

/** An error with a gRPC status, like grpc-js' ServiceError. */
export class FakeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${details}`);
  }
}

interface FakeLease {
  ttl: number;
  expiry: number;
}

/** One keep-alive request as the fake server saw it. */
export interface SeenRequest {
  readonly id: LeaseId;
  readonly at: number;
  readonly stream: number;
}

interface FakeStream {
  readonly n: number;
  readonly metadata: Metadata;
  readonly options: LeaseKeepAliveCallOptions;
  open: boolean;
  end: (error: Error | undefined) => void;
}

/**
 * An in-memory etcd lease service for lessor unit tests: leases with TTLs on a {@link TestClock},
 * responses delivered after `latencyMs`, and switches for the faults the tests need.
 */
export class FakeLeaseClient implements LeaseClient {
  readonly leasesById = new Map<LeaseId, FakeLease>();
  readonly requests: SeenRequest[] = [];
  readonly streams: FakeStream[] = [];
  #nextId = 100n;
  latencyMs = 0;
  /** When set, unary calls and new streams fail with it. */
  unaryError: FakeStatusError | undefined;
  /** When set, opening a stream ends it with this error at once. */
  openError: FakeStatusError | undefined;
  /** Keep-alive requests are seen but not answered. */
  dropResponses = false;
  constructor(readonly clock: TestClock) {}

  /** Streams still open. */
  openStreams(): number {
    return this.streams.filter((s) => s.open).length;
  }

  requestsFor(id: LeaseId): number[] {
    return this.requests.filter((r) => r.id === id).map((r) => r.at);
  }

  addLease(id: LeaseId, ttl: number): void {
    this.leasesById.set(id, { ttl, expiry: this.clock.now() + ttl * 1000 });
  }

  #alive(id: LeaseId): FakeLease | undefined {
    const lease = this.leasesById.get(id);
    if (lease === undefined) return undefined;
    if (lease.expiry <= this.clock.now()) {
      this.leasesById.delete(id);
      return undefined;
    }
    return lease;
  }

  #later<T>(signal: AbortSignal, produce: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.unaryError !== undefined) {
        reject(this.unaryError);
        return;
      }
      const onAbort = (): void => {
        this.clock.clearTimeout(handle);
        reject(new FakeStatusError(GrpcCode.CANCELLED, "context canceled"));
      };
      const handle = this.clock.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        try {
          resolve(produce());
        } catch (error) {
          reject(error);
        }
      }, this.latencyMs);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse> {
    return this.#later(options.signal, () => {
      if (request.TTL > 9_000_000_000) {
        throw new FakeStatusError(GrpcCode.OUT_OF_RANGE, EtcdMessage.ttlTooLarge);
      }
      const id = request.ID === 0n ? this.#nextId++ : request.ID;
      if (this.#alive(id) !== undefined) {
        throw new FakeStatusError(GrpcCode.FAILED_PRECONDITION, EtcdMessage.leaseExists);
      }
      const ttl = Math.max(2, request.TTL);
      this.addLease(id, ttl);
      return { header: EMPTY_HEADER, ID: id, TTL: ttl, error: "" };
    });
  }

  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse> {
    return this.#later(options.signal, () => {
      if (this.#alive(request.ID) === undefined) {
        throw new FakeStatusError(GrpcCode.NOT_FOUND, EtcdMessage.leaseNotFound);
      }
      this.leasesById.delete(request.ID);
      return { header: EMPTY_HEADER };
    });
  }

  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#later(options.signal, () => {
      const lease = this.#alive(request.ID);
      return {
        header: EMPTY_HEADER,
        ID: request.ID,
        TTL: lease === undefined ? -1 : Math.floor((lease.expiry - this.clock.now()) / 1000),
        grantedTTL: lease?.ttl ?? 0,
        keys: request.keys ? [new TextEncoder().encode("k")] : [],
      };
    });
  }

  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse> {
    return this.#later(options.signal, () => ({
      header: EMPTY_HEADER,
      leases: [...this.leasesById.keys()].map((ID) => ({ ID })),
    }));
  }

  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream {
    const stream: FakeStream = {
      n: this.streams.length,
      metadata: options.metadata,
      options,
      open: true,
      end: () => {},
    };
    this.streams.push(stream);
    const end = (error: Error | undefined): void => {
      if (!stream.open) return;
      stream.open = false;
      options.signal.removeEventListener("abort", onAbort);
      options.listener.onEnd(error);
    };
    stream.end = end;
    const onAbort = (): void => end(new FakeStatusError(GrpcCode.CANCELLED, "context canceled"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    const failure = this.openError;
    if (failure !== undefined) {
      this.clock.setTimeout(() => end(failure), 0);
    }
    return {
      send: (request) => {
        if (!stream.open) return false;
        this.requests.push({ id: request.ID, at: this.clock.now(), stream: stream.n });
        if (this.dropResponses) return true;
        this.clock.setTimeout(() => {
          if (!stream.open) return;
          const lease = this.#alive(request.ID);
          if (lease !== undefined) lease.expiry = this.clock.now() + lease.ttl * 1000;
          const response: LeaseKeepAliveResponse = {
            header: EMPTY_HEADER,
            ID: request.ID,
            TTL: lease?.ttl ?? 0,
          };
          options.listener.onResponse(response);
        }, this.latencyMs);
        return true;
      },
      closeSend: () => {},
    };
  }

  /** Ends every open stream with `error`. */
  failStreams(error: FakeStatusError): void {
    for (const s of this.streams) s.end(error);
  }
}
