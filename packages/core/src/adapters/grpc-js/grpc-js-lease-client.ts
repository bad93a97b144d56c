import { type Client, Metadata as GrpcMetadata, status as grpcStatus } from "@grpc/grpc-js";
import type { Metadata } from "../../conn/metadata.js";
import type {
  LeaseCallOptions,
  LeaseClient,
  LeaseKeepAliveCallOptions,
  LeaseKeepAliveStream,
} from "../../lease/lease-client.js";
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
} from "../../lease/lease-messages.js";
import { abortReason } from "../../time/abort.js";
import { leaseServiceDefinition } from "./lease-service.js";

/** Converts core's metadata to grpc-js'; `-bin` values are base64 text in core's model. */
export function toGrpcMetadata(metadata: Metadata): GrpcMetadata {
  const md = new GrpcMetadata();
  for (const [key, values] of Object.entries(metadata)) {
    for (const value of values) {
      if (key.endsWith("-bin")) md.add(key, Buffer.from(value, "base64"));
      else md.add(key, value);
    }
  }
  return md;
}

function requireClient(client: unknown): Client {
  const candidate = client as Partial<Client> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.makeUnaryRequest !== "function" ||
    typeof candidate.makeBidiStreamRequest !== "function"
  ) {
    throw new TypeError("GrpcJsLeaseClient: client must be a @grpc/grpc-js Client");
  }
  return candidate as Client;
}

/**
 * A {@link LeaseClient} over `@grpc/grpc-js`, for applications that already run a grpc-js
 * channel: give it any grpc-js `Client` (for a shared `Channel`, construct the client with
 * `{ channelOverride: channel }`). Failures are grpc-js `ServiceError`s (numeric `code`,
 * `details`), which the lessor maps to typed lease errors. The caller owns the client and closes
 * it after the lessor.
 *
 * Note that grpc-js runs its own timers on ambient time; the simulation runs it with its timers,
 * `Math.random` and `net.connect` virtualised (the `lease-grpc-js` suite).
 *
 * @example
 * ```ts
 * import { Client, credentials } from "@grpc/grpc-js";
 * const client = new Client("ipv4:127.0.0.1:2379,127.0.0.1:22379", credentials.createInsecure());
 * const lessor = new Lessor({ client: new GrpcJsLeaseClient(client), clock: systemClock });
 * ```
 */
export class GrpcJsLeaseClient implements LeaseClient {
  readonly #client: Client;

  /** @throws TypeError when `client` is not a grpc-js `Client`. */
  constructor(client: Client) {
    this.#client = requireClient(client);
  }

  grant(request: LeaseGrantRequest, options: LeaseCallOptions): Promise<LeaseGrantResponse> {
    return this.#unary(leaseServiceDefinition.LeaseGrant, request, options);
  }

  revoke(request: LeaseRevokeRequest, options: LeaseCallOptions): Promise<LeaseRevokeResponse> {
    return this.#unary(leaseServiceDefinition.LeaseRevoke, request, options);
  }

  timeToLive(
    request: LeaseTimeToLiveRequest,
    options: LeaseCallOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#unary(leaseServiceDefinition.LeaseTimeToLive, request, options);
  }

  leases(options: LeaseCallOptions): Promise<LeaseLeasesResponse> {
    return this.#unary(leaseServiceDefinition.LeaseLeases, {}, options);
  }

  keepAlive(options: LeaseKeepAliveCallOptions): LeaseKeepAliveStream {
    const { listener, signal } = options;
    const method = leaseServiceDefinition.LeaseKeepAlive;
    let ended = false;
    const end = (error: Error | undefined): void => {
      if (ended) return;
      ended = true;
      signal.removeEventListener("abort", onAbort);
      listener.onEnd(error);
    };
    const stream = this.#client.makeBidiStreamRequest<
      LeaseKeepAliveRequest,
      LeaseKeepAliveResponse
    >(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      toGrpcMetadata(options.metadata),
      {},
    );
    // Half-close as well as cancel: grpc-js 1.14.7 still opens the stream of a call cancelled
    // before the channel handed it to a connection (the tick it started) and sends its queued
    // requests there; the half-close is sent with them, so the server ends that stream (etcd
    // returns on EOF) instead of keeping it open with nobody on the client side.
    const onAbort = (): void => {
      if (!stream.writableEnded) stream.end();
      stream.cancel();
    };
    stream.on("data", (response: LeaseKeepAliveResponse) => {
      if (!ended) listener.onResponse(response);
    });
    // grpc-js reports a non-OK status as "error" (a ServiceError) and every status as "status".
    stream.on("error", (error: Error) => end(error));
    stream.on("status", (status: { code: number }) => {
      if (status.code === grpcStatus.OK) end(undefined);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    return {
      send: (request) => {
        if (ended || stream.writableEnded || stream.destroyed) return false;
        stream.write(request);
        return true;
      },
      closeSend: () => {
        if (!stream.writableEnded) stream.end();
      },
    };
  }

  #unary<Req, Res>(
    method: {
      path: string;
      requestSerialize: (value: Req) => Buffer;
      responseDeserialize: (bytes: Buffer) => Res;
    },
    request: Req,
    options: LeaseCallOptions,
  ): Promise<Res> {
    const { signal } = options;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<Res>((resolve, reject) => {
      const call = this.#client.makeUnaryRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        toGrpcMetadata(options.metadata),
        {},
        (error, response) => {
          signal.removeEventListener("abort", onAbort);
          if (error !== null) reject(error);
          else if (response === undefined) reject(new Error("grpc-js returned no response"));
          else resolve(response);
        },
      );
      // Cancelling makes grpc-js call back with CANCELLED, which settles the promise.
      const onAbort = (): void => call.cancel();
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
