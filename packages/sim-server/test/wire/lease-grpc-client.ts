import type { LeaseKeepAliveResponse } from "@dsim/core";
import {
  type Client,
  type ClientDuplexStream,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { leaseServiceDefinition } from "../../src/wire/lease-service-definition.js";

type Callback = (error: ServiceError | null, value?: Record<string, unknown>) => void;

/** The grpc-js client of the wire etcd that the tests use (real sockets, core's codecs). */
export interface LeaseTestClient extends Client {
  LeaseGrant(req: unknown, md: Metadata, opts: object, cb: Callback): void;
  LeaseLeases(req: unknown, md: Metadata, opts: object, cb: Callback): void;
  LeaseKeepAlive(
    md: Metadata,
    opts: object,
  ): ClientDuplexStream<{ ID: bigint }, LeaseKeepAliveResponse>;
}

const Ctor = makeGenericClientConstructor(leaseServiceDefinition, "Lease");

/** A client of `address`. */
export function leaseClient(address: string): LeaseTestClient {
  return new Ctor(address, credentials.createInsecure()) as unknown as LeaseTestClient;
}

/** `LeaseGrant` as a promise of `{ error }` or `{ value }`. */
export function grant(
  client: LeaseTestClient,
  TTL: number,
): Promise<{ error?: ServiceError; value?: Record<string, unknown> }> {
  return new Promise((resolve) => {
    client.LeaseGrant(
      { TTL, ID: 0n },
      new Metadata(),
      { deadline: Date.now() + 5000 },
      (error, value) => resolve(error === null ? { value: value ?? {} } : { error }),
    );
  });
}

/** Opens a keep-alive stream (require-leader when asked) and collects what it receives. */
export function keepAliveStream(client: LeaseTestClient, requireLeader: boolean) {
  const md = new Metadata();
  if (requireLeader) md.set("hasleader", "true");
  const call = client.LeaseKeepAlive(md, {});
  const responses: LeaseKeepAliveResponse[] = [];
  const state: { error: ServiceError | undefined; ended: boolean } = {
    error: undefined,
    ended: false,
  };
  call.on("data", (r: LeaseKeepAliveResponse) => responses.push(r));
  call.on("error", (e: ServiceError) => {
    state.error = e;
    state.ended = true;
  });
  call.on("end", () => {
    state.ended = true;
  });
  return { call, responses, state };
}
