import type { BidiCall } from "../conn/call-bidi.js";
import type { MethodDescriptor } from "../conn/call-options.js";
import type { ClientConn } from "../conn/client-conn.js";
import type {
  LeaseCallOptions,
  LeaseClient,
  LeaseKeepAliveCallOptions,
  LeaseKeepAliveStream,
} from "./lease-client.js";
import {
  LeaseMethod,
  leaseGrantRequestCodec,
  leaseGrantResponseCodec,
  leaseKeepAliveRequestCodec,
  leaseKeepAliveResponseCodec,
  leaseLeasesRequestCodec,
  leaseLeasesResponseCodec,
  leaseRevokeRequestCodec,
  leaseRevokeResponseCodec,
  leaseTimeToLiveRequestCodec,
  leaseTimeToLiveResponseCodec,
} from "./lease-codec.js";
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesRequest,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "./lease-messages.js";

const grantMethod: MethodDescriptor<LeaseGrantRequest, LeaseGrantResponse> = {
  path: LeaseMethod.grant,
  requestCodec: leaseGrantRequestCodec,
  responseCodec: leaseGrantResponseCodec,
};
const revokeMethod: MethodDescriptor<LeaseRevokeRequest, LeaseRevokeResponse> = {
  path: LeaseMethod.revoke,
  requestCodec: leaseRevokeRequestCodec,
  responseCodec: leaseRevokeResponseCodec,
};
const timeToLiveMethod: MethodDescriptor<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse> = {
  path: LeaseMethod.timeToLive,
  requestCodec: leaseTimeToLiveRequestCodec,
  responseCodec: leaseTimeToLiveResponseCodec,
};
const leasesMethod: MethodDescriptor<LeaseLeasesRequest, LeaseLeasesResponse> = {
  path: LeaseMethod.leases,
  requestCodec: leaseLeasesRequestCodec,
  responseCodec: leaseLeasesResponseCodec,
};
const keepAliveMethod: MethodDescriptor<LeaseKeepAliveRequest, LeaseKeepAliveResponse> = {
  path: LeaseMethod.keepAlive,
  requestCodec: leaseKeepAliveRequestCodec,
  responseCodec: leaseKeepAliveResponseCodec,
};

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The production {@link LeaseClient}: the etcd `Lease` service over core's `ClientConn` with the
 * hand-written protobuf codec — the same stack as clientv3 on grpc-go. Failures reject with conn's
 * `StatusError`, which the lessor maps to typed lease errors.
 */
export class GrpcLeaseClient implements LeaseClient {
  readonly #conn: ClientConn;

  /** `conn` is owned by the caller (close it after the lessor). */
  constructor(conn: ClientConn) {
    if (typeof conn !== "object" || conn === null || typeof conn.bidi !== "function") {
      throw new TypeError("GrpcLeaseClient: conn must be a ClientConn");
    }
    this.#conn = conn;
  }

  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse> {
    return this.#conn.unary(grantMethod, request, options);
  }

  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse> {
    return this.#conn.unary(revokeMethod, request, options);
  }

  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#conn.unary(timeToLiveMethod, request, options);
  }

  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse> {
    return this.#conn.unary(leasesMethod, {}, options);
  }

  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream {
    const { listener, signal, metadata } = options;
    let call: BidiCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> | undefined;
    let ended = false;
    let halfClosed = false;
    // Requests sent before the stream opened (see the LeaseKeepAliveStream contract): flushed in
    // order when it opens, dropped if it never does. The caller paces its sends, so this stays
    // small; aborting `signal` ends the stream and drops them, so none reaches the server late.
    let queued: LeaseKeepAliveRequest[] = [];
    const end = (error: Error | undefined): void => {
      if (ended) return;
      ended = true;
      queued = [];
      listener.onEnd(error);
    };
    const open = async (): Promise<void> => {
      const opened = await this.#conn.bidi(keepAliveMethod, { signal, metadata });
      call = opened;
      const pending = queued;
      queued = [];
      for (const request of pending) if (!opened.send(request)) break;
      if (halfClosed) opened.halfClose();
      // Push delivery: a response reaches the lessor in the same turn it was decoded, with no
      // promise per message (this stream carries every renewal of every lease).
      opened.listen({
        onMessage: (response) => {
          if (ended) return;
          try {
            listener.onResponse(response);
          } catch (error) {
            // As a throwing loop body ended the iteration: the stream is cancelled and ends.
            end(asError(error));
            opened.cancel();
          }
        },
        // The end goes out one microtask later, once the transport has finished the teardown
        // that ended the call (every stream ended, the connection's close recorded), so the
        // lessor's retry never runs inside a closing transport.
        onEnd: (error) => {
          queueMicrotask(() => end(error === undefined ? undefined : asError(error)));
        },
      });
    };
    open().catch((error: unknown) => end(asError(error)));
    return {
      send: (request) => {
        if (ended || halfClosed) return false;
        if (call === undefined) {
          queued.push(request);
          return true;
        }
        return call.send(request);
      },
      closeSend: () => {
        halfClosed = true;
        call?.halfClose();
      },
    };
  }
}
