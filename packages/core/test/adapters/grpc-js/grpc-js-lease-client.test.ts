import {
  Client,
  credentials,
  type Metadata,
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GrpcJsLeaseClient,
  leaseServiceDefinition,
  toGrpcMetadata,
} from "../../../src/adapters/grpc-js/index.js";
import {
  EMPTY_HEADER,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseKeepAliveRequest,
  type LeaseKeepAliveResponse,
  LeaseNotFoundError,
  type LeaseRevokeRequest,
  type LeaseRevokeResponse,
  Lessor,
} from "../../../src/lease/index.js";
import { systemClock } from "../../../src/time/system-clock.js";

// An in-process grpc-js server implementing a tiny lease service on the same definition.
const seenMetadata: Metadata[] = [];
let server: Server;
let client: Client;
let hangGrant = false;
let onHungGrant: (() => void) | undefined;
let onGrantCancelled: (() => void) | undefined;
/** LeaseKeepAlive streams the server runs that are not over yet. */
let openKeepAlives = 0;

beforeAll(async () => {
  server = new Server();
  server.addService(leaseServiceDefinition, {
    LeaseGrant: (
      call: ServerUnaryCall<LeaseGrantRequest, LeaseGrantResponse>,
      callback: sendUnaryData<LeaseGrantResponse>,
    ) => {
      seenMetadata.push(call.metadata);
      if (hangGrant) {
        call.on("cancelled", () => onGrantCancelled?.());
        onHungGrant?.();
        return;
      }
      const ttl = Math.max(call.request.TTL, 2);
      callback(null, { header: EMPTY_HEADER, ID: call.request.ID || 42n, TTL: ttl, error: "" });
    },
    LeaseRevoke: (
      _call: ServerUnaryCall<LeaseRevokeRequest, LeaseRevokeResponse>,
      callback: sendUnaryData<LeaseRevokeResponse>,
    ) => {
      callback({ code: status.NOT_FOUND, details: "etcdserver: requested lease not found" });
    },
    LeaseKeepAlive: (call: ServerDuplexStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>) => {
      seenMetadata.push(call.metadata);
      openKeepAlives += 1;
      let over = false;
      const end = (): void => {
        if (!over) openKeepAlives -= 1;
        over = true;
      };
      call.on("close", end);
      call.on("cancelled", end);
      call.on("data", (request: LeaseKeepAliveRequest) => {
        call.write({ header: EMPTY_HEADER, ID: request.ID, TTL: request.ID === 7n ? 0 : 3 });
      });
      call.on("end", () => {
        call.end();
        end();
      });
    },
    LeaseTimeToLive: () => {},
    LeaseLeases: () => {},
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  server?.forceShutdown();
});

describe("GrpcJsLeaseClient", () => {
  it("runs unary calls with the lease codec and passes metadata", async () => {
    const leaseClient = new GrpcJsLeaseClient(client);
    const response = await leaseClient.grant(
      { TTL: 1, ID: 0n },
      { signal: new AbortController().signal, metadata: { "client-api-version": ["3.4"] } },
    );
    expect(response).toMatchObject({ ID: 42n, TTL: 2, error: "" });
    expect(seenMetadata.at(-1)?.get("client-api-version")).toEqual(["3.4"]);
  });

  it("rejects with the grpc-js ServiceError, which the lessor maps to a typed lease error", async () => {
    const lessor = new Lessor({ client: new GrpcJsLeaseClient(client), clock: systemClock });
    const error = await lessor.revoke(5n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseNotFoundError);
    await lessor.close();
  });

  it("aborting the signal cancels the call on the server", async () => {
    hangGrant = true;
    try {
      const arrived = new Promise<void>((resolve) => {
        onHungGrant = resolve;
      });
      const cancelled = new Promise<void>((resolve) => {
        onGrantCancelled = resolve;
      });
      const controller = new AbortController();
      const leaseClient = new GrpcJsLeaseClient(client);
      const pending = leaseClient.grant(
        { TTL: 5, ID: 0n },
        { signal: controller.signal, metadata: {} },
      );
      await arrived;
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: status.CANCELLED });
      // The server sees the cancellation (RST_STREAM), so no work outlives the caller.
      await cancelled;
    } finally {
      hangGrant = false;
    }
  });

  it("keepAlive streams responses with require-leader metadata and ends OK on half-close", async () => {
    const leaseClient = new GrpcJsLeaseClient(client);
    const responses: LeaseKeepAliveResponse[] = [];
    const ended = new Promise<Error | undefined>((resolve) => {
      const stream = leaseClient.keepAlive({
        signal: new AbortController().signal,
        metadata: { hasleader: ["true"] },
        listener: {
          onResponse: (response) => {
            responses.push(response);
            if (responses.length === 2) stream.closeSend();
          },
          onEnd: resolve,
        },
      });
      expect(stream.send({ ID: 1n })).toBe(true);
      expect(stream.send({ ID: 7n })).toBe(true);
    });
    expect(await ended).toBeUndefined();
    expect(responses.map((r) => [r.ID, r.TTL])).toEqual([
      [1n, 3],
      [7n, 0],
    ]);
    expect(seenMetadata.at(-1)?.get("hasleader")).toEqual(["true"]);
  });

  it("keepAlive ends with CANCELLED when its signal aborts and then refuses to send", async () => {
    const leaseClient = new GrpcJsLeaseClient(client);
    const controller = new AbortController();
    let send: ((id: bigint) => boolean) | undefined;
    const ended = new Promise<Error | undefined>((resolve) => {
      const stream = leaseClient.keepAlive({
        signal: controller.signal,
        metadata: {},
        listener: { onResponse: () => controller.abort(), onEnd: resolve },
      });
      send = (id) => stream.send({ ID: id });
      stream.send({ ID: 1n });
    });
    expect(await ended).toMatchObject({ code: status.CANCELLED });
    expect(send?.(2n)).toBe(false);
  });

  it("keepAlive aborted in the tick it started leaves no stream open on the server", async () => {
    const leaseClient = new GrpcJsLeaseClient(client);
    const signal = new AbortController().signal;
    // A connected channel: grpc-js 1.14.7 then still opens the stream of a call cancelled in the
    // tick it started (before the call reached its connection) and sends its queued request.
    await leaseClient.grant({ TTL: 1, ID: 0n }, { signal, metadata: {} });
    const controller = new AbortController();
    const aborted = new Promise<Error | undefined>((resolve) => {
      const stream = leaseClient.keepAlive({
        signal: controller.signal,
        metadata: {},
        listener: { onResponse: () => {}, onEnd: resolve },
      });
      stream.send({ ID: 1n });
      controller.abort();
    });
    expect(await aborted).toMatchObject({ code: status.CANCELLED });
    // A later stream on the same connection: the server has read the aborted call's frames
    // before this one's, so by its end the aborted call's stream must be over on the server too.
    const later = new Promise<Error | undefined>((resolve) => {
      const stream = leaseClient.keepAlive({
        signal,
        metadata: {},
        listener: { onResponse: () => stream.closeSend(), onEnd: resolve },
      });
      stream.send({ ID: 2n });
    });
    expect(await later).toBeUndefined();
    expect(openKeepAlives).toBe(0);
  });

  it("converts -bin metadata from base64 and validates its client", () => {
    const md = toGrpcMetadata({ "x-bin": [Buffer.from([1, 2]).toString("base64")], a: ["b"] });
    expect(md.get("x-bin")).toEqual([Buffer.from([1, 2])]);
    expect(md.get("a")).toEqual(["b"]);
    expect(() => new GrpcJsLeaseClient({} as Client)).toThrowError(TypeError);
  });
});
