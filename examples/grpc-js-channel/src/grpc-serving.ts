import http2 from "node:http2";
import type { Duplex } from "node:stream";
import { type Simulation, serveGrpcJs, type VirtualGrpcServing } from "@dsim/sim-server";
import type * as grpc from "@grpc/grpc-js";

/** A grpc-js server served with `serveGrpcJs`, plus the server ends of its connections. */
export interface TappedServing {
  readonly serving: VirtualGrpcServing;
  /** Every connection the injector accepted, with the virtual ms it was accepted. */
  readonly accepted: { readonly socket: Duplex; readonly at: number }[];
}

/**
 * `serveGrpcJs(sim, address, server)`, also recording the server end of every connection its
 * injector accepts (to reset them: a crash, or a middlebox's RST). The injector's http2 server is
 * observed through its `connection` event: `http2.createServer` is wrapped for the duration of the
 * call, as serveGrpcJs itself does to virtualise the `date` header.
 */
export function serveTapped(sim: Simulation, address: string, server: grpc.Server): TappedServing {
  const accepted: { socket: Duplex; at: number }[] = [];
  const original = http2.createServer;
  const observe = (...args: Parameters<typeof http2.createServer>): http2.Http2Server => {
    const made = (original as (...a: unknown[]) => http2.Http2Server)(...args);
    made.on("connection", (socket: Duplex) => accepted.push({ socket, at: sim.now() }));
    return made;
  };
  http2.createServer = observe as typeof http2.createServer;
  try {
    return { serving: serveGrpcJs(sim, address, server), accepted };
  } finally {
    http2.createServer = original;
  }
}
