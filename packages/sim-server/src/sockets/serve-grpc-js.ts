import http2, { type Http2Server, type ServerHttp2Stream } from "node:http2";
import { type Server, ServerCredentials } from "@grpc/grpc-js";
import { listenVirtualSockets } from "./listen-virtual-sockets.js";
import type { SocketWorld } from "./socket-world.js";
import { useVirtualDate } from "./virtual-date.js";

/** A grpc-js server served on the virtual network by {@link serveGrpcJs}. */
export interface VirtualGrpcServing {
  /** The address it listens on. */
  readonly address: string;
  /** Stops accepting connections; sessions already accepted are unaffected. Idempotent. */
  close(): void;
  /** grpc-js' injector `drain(graceMs)`: GOAWAY to every session, destroy them after the grace. */
  drain(graceMs: number): void;
  /** Stops accepting and closes every session of this injector (grpc-js' injector `destroy`). */
  destroy(): void;
}

/**
 * Serves a grpc-js `Server` (services added, no `bindAsync` needed) on `address` of `world`'s
 * network through grpc-js' official hook, `server.createConnectionInjector(credentials)`: each
 * accepted virtual socket is passed to `injectConnection`.
 *
 * grpc-js responds through node:http2, which adds a real-clock `date` header; the http2 server the
 * injector creates is captured (by wrapping `http2.createServer` for the duration of the call) so
 * that every response's `date` comes from virtual time instead.
 *
 * @throws TypeError for secure credentials: virtual sockets carry plaintext HTTP/2 only.
 * @throws Error when the injector's http2 server could not be captured (grpc-js changed).
 */
export function serveGrpcJs(
  world: SocketWorld,
  address: string,
  server: Server,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): VirtualGrpcServing {
  if (!(credentials instanceof ServerCredentials)) {
    throw new TypeError("serveGrpcJs: credentials must be grpc-js ServerCredentials");
  }
  if (credentials._isSecure()) {
    throw new TypeError(
      "serveGrpcJs: TLS credentials are not supported on virtual sockets (plaintext HTTP/2 only); use ServerCredentials.createInsecure()",
    );
  }
  const created: Http2Server[] = [];
  const original = http2.createServer;
  const capture = (...args: Parameters<typeof http2.createServer>): Http2Server => {
    const made = (original as (...a: unknown[]) => Http2Server)(...args);
    created.push(made);
    return made;
  };
  http2.createServer = capture as typeof http2.createServer;
  let injector: ReturnType<Server["createConnectionInjector"]>;
  try {
    injector = server.createConnectionInjector(credentials);
  } finally {
    http2.createServer = original;
  }
  const inner = created[0];
  if (created.length !== 1 || inner === undefined) {
    injector.destroy();
    throw new Error(
      `serveGrpcJs: expected grpc-js to create one http2 server for the injector, saw ${created.length}; cannot virtualise its date header`,
    );
  }
  inner.prependListener("stream", (stream: ServerHttp2Stream) => useVirtualDate(world, stream));
  const listener = listenVirtualSockets(world, address, (socket) => {
    injector.injectConnection(socket);
  });
  return {
    address,
    close: () => listener.close(),
    drain: (graceMs) => injector.drain(graceMs),
    destroy: () => {
      listener.close();
      injector.destroy();
    },
  };
}
