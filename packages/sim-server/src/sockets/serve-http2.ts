import type { Http2Server, ServerHttp2Stream } from "node:http2";
import { Server as TlsServer } from "node:tls";
import type { VirtualListener } from "../net/contracts.js";
import { listenVirtualSockets } from "./listen-virtual-sockets.js";
import type { SocketWorld } from "./socket-world.js";
import { useVirtualDate } from "./virtual-date.js";

const dated = new WeakSet<Http2Server>();

/**
 * Serves a plaintext `node:http2` server (made with `http2.createServer()`, never `listen`ed) on
 * `address` of `world`'s network: each accepted virtual socket is handed to it with
 * `server.emit("connection", socket)`. Every response's `date` header comes from virtual time (see
 * `useVirtualDate`). Closing the listener stops accepting; close sessions through the server.
 */
export function serveHttp2(
  world: SocketWorld,
  address: string,
  server: Http2Server,
): VirtualListener<Buffer> {
  if (typeof server !== "object" || server === null || typeof server.emit !== "function") {
    throw new TypeError("serveHttp2 needs an http2 server from http2.createServer()");
  }
  if (server instanceof TlsServer) {
    throw new TypeError(
      "serveHttp2: a secure server (http2.createSecureServer) cannot be served on virtual sockets (plaintext HTTP/2 only); use http2.createServer()",
    );
  }
  if (!dated.has(server)) {
    dated.add(server);
    // Prepended, so the date is fixed before the application's own `stream` handler responds.
    server.prependListener("stream", (stream: ServerHttp2Stream) => useVirtualDate(world, stream));
  }
  return listenVirtualSockets(world, address, (socket) => {
    server.emit("connection", socket);
  });
}
