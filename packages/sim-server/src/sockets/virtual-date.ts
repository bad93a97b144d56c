import type { ServerHttp2Stream } from "node:http2";
import type { SocketWorld } from "./socket-world.js";

const patched = new WeakSet<ServerHttp2Stream>();

/** The HTTP `date` value of the world's current virtual time (IMF-fixdate). */
export function virtualHttpDate(world: SocketWorld): string {
  return new Date(world.epochMs + world.now()).toUTCString();
}

/**
 * Makes `stream.respond()` send a `date` header from virtual time. node:http2 otherwise adds one
 * from its own real-clock cache (faking the global `Date` does not reach it), and its changing
 * value changes the HPACK-encoded size of responses from one wall-clock second to the next. Any
 * `date` the handler set is replaced too: inside the simulation every date is virtual.
 */
export function useVirtualDate(world: SocketWorld, stream: ServerHttp2Stream): void {
  if (patched.has(stream)) return;
  patched.add(stream);
  const respond = stream.respond;
  const replaced: ServerHttp2Stream["respond"] = (headers, options) => {
    // Raw header arrays (newer Node) are passed on untouched; node:http2 on Node 20 takes objects.
    if (Array.isArray(headers)) {
      respond.call(stream, headers, options);
      return;
    }
    const withDate = { ...(headers ?? {}), date: virtualHttpDate(world) };
    respond.call(stream, withDate, options);
  };
  Object.defineProperty(stream, "respond", { configurable: true, writable: true, value: replaced });
}
