import type { Metadata } from "../conn/metadata.js";
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "./lease-messages.js";

/**
 * Options of one call on a {@link LeaseClient}. Aborting `signal` cancels the call (gRPC CANCEL):
 * a pending unary call rejects, a keep-alive stream ends.
 */
export interface LeaseCallOptions {
  readonly signal: AbortSignal;
  /** Request metadata, e.g. `{ hasleader: ["true"] }` for require-leader. */
  readonly metadata: Metadata;
}

/** Events of one keep-alive stream. Delivered synchronously by the implementation. */
export interface LeaseKeepAliveListener {
  /** One response arrived. */
  onResponse(response: LeaseKeepAliveResponse): void;
  /**
   * The stream ended, exactly once; nothing is delivered after it. `error` is `undefined` when the
   * server ended the stream with OK, otherwise an error carrying the gRPC status (see
   * {@link GrpcStatusLike}) or the transport failure.
   */
  onEnd(error: Error | undefined): void;
}

/** Options for opening a keep-alive stream. */
export interface LeaseKeepAliveCallOptions extends LeaseCallOptions {
  readonly listener: LeaseKeepAliveListener;
}

/** The client side of an open `LeaseKeepAlive` bidi stream. */
export interface LeaseKeepAliveStream {
  /**
   * Sends one request. Callable right after `keepAlive` returns: a request sent before the stream
   * is open is queued and sent, in order, once it opens (as grpc-js buffers writes before the call
   * starts), and dropped if the stream ends first. Returns false only when the request can never
   * be sent: the stream ended or `closeSend` was called. True does not mean it reached the server.
   */
  send(request: LeaseKeepAliveRequest): boolean;
  /** Half-closes the stream: no more requests. */
  closeSend(): void;
}

/**
 * A gRPC status as the lessor reads it from a failure (see `grpcStatusOf`): grpc-js'
 * `ServiceError` has a numeric `code`, core's `StatusError` a numeric `status`; both have `details`.
 */
export interface GrpcStatusLike {
  readonly code: number;
  readonly details: string;
}

/**
 * The `etcdserverpb.Lease` service as the lessor sees it (`pb.LeaseClient` in Go). Unary calls
 * reject with an error carrying a gRPC status ({@link GrpcStatusLike}); the keep-alive stream
 * reports its end through its listener, never by throwing.
 *
 * Implementations: the gRPC one over core's `ClientConn` (`GrpcLeaseClient`) and in-memory fakes.
 */
export interface LeaseClient {
  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse>;
  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse>;
  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse>;
  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse>;
  /**
   * Opens a keep-alive stream. Failures to open (no leader, connection refused) are reported
   * through `listener.onEnd`, possibly synchronously, never thrown.
   */
  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream;
}
