import type { Metadata, StreamEnd, StreamListener, TransportListener } from "@dsim/core";
import { GrpcDialer } from "../../src/grpc/dialer.js";
import { GrpcServer, type GrpcServerOptions } from "../../src/grpc/server.js";
import { Simulation } from "../../src/kernel/simulation.js";

/** The outcome of a promise, observable synchronously between simulation steps. */
export interface Tracked<T> {
  settled: boolean;
  value: T | undefined;
  error: unknown;
}

/** Tracks a promise (and handles its rejection) so tests can step the simulation until it settles. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const state: Tracked<T> = { settled: false, value: undefined, error: undefined };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/** Records what a transport reported. */
export interface RecordingTransportListener extends TransportListener {
  readonly goaways: { lastStreamId: number; code: number; debug: string }[];
  readonly closes: (Error | undefined)[];
}

export function transportListener(): RecordingTransportListener {
  const goaways: { lastStreamId: number; code: number; debug: string }[] = [];
  const closes: (Error | undefined)[] = [];
  return {
    goaways,
    closes,
    onGoaway: (lastStreamId, code, debug) => goaways.push({ lastStreamId, code, debug }),
    onClose: (error) => closes.push(error),
  };
}

/** Records what a stream reported; `ends` must end up with exactly one entry. */
export interface RecordingStreamListener extends StreamListener {
  readonly headers: Metadata[];
  readonly messages: Uint8Array[];
  readonly ends: StreamEnd[];
  readonly end: StreamEnd | undefined;
}

export function streamListener(): RecordingStreamListener {
  const headers: Metadata[] = [];
  const messages: Uint8Array[] = [];
  const ends: StreamEnd[] = [];
  return {
    headers,
    messages,
    ends,
    get end() {
      return ends[0];
    },
    onHeaders: (metadata) => headers.push(metadata),
    onMessage: (message) => messages.push(message),
    onEnd: (end) => {
      if (ends.length > 0) throw new Error("onEnd called twice");
      ends.push(end);
    },
  };
}

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array | undefined): string =>
  data === undefined ? "<none>" : decoder.decode(data);

/** A simulation with one server at `server:50051` and a dialer on host `client`. */
export function world(
  seed = 7,
  serverOptions: Partial<GrpcServerOptions> = {},
): { sim: Simulation; server: GrpcServer; dialer: GrpcDialer } {
  const sim = new Simulation({ seed });
  const server = new GrpcServer(sim, { address: "server:50051", ...serverOptions });
  const dialer = new GrpcDialer(sim, { host: "client" });
  return { sim, server, dialer };
}

/** Dials and runs the simulation until the dial settles; throws if it rejected. */
export async function dialReady(
  sim: Simulation,
  dialer: GrpcDialer,
  listener: TransportListener = transportListener(),
  address = "server:50051",
) {
  const controller = new AbortController();
  const dial = track(dialer.dial(address, { signal: controller.signal, listener }));
  await sim.runUntil(() => dial.settled, { timeoutMs: 10_000 });
  if (dial.value === undefined) throw dial.error;
  return dial.value;
}

/** Closes everything and asserts nothing is left: no timers, no connections. */
export async function closeAndCheckLeaks(
  sim: Simulation,
  ...closables: { close(): Promise<void> }[]
) {
  for (const closable of closables) await closable.close();
  await sim.runUntilIdle({ limitMs: 60_000 });
  return {
    timers: sim.pendingTimers(),
    owners: sim.timerOwners(),
    connections: sim.net.openConnections(),
  };
}

/** Opens a unary-style stream: one request message, then half-close. */
export function startUnary(
  transport: { openStream: GrpcTransportLike["openStream"] },
  method: string,
  request: Uint8Array,
  metadata: Metadata = {},
) {
  const listener = streamListener();
  const stream = transport.openStream({ method, metadata, listener });
  stream.sendMessage(request);
  stream.halfClose();
  return { stream, listener };
}

type GrpcTransportLike = import("@dsim/core").ClientTransport;
