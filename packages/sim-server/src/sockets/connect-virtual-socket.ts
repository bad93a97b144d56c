import type { SocketWorld } from "./socket-world.js";
import { hostOfIp } from "./virtual-hosts.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, VirtualSocket } from "./virtual-socket.js";

/** Options of {@link connectVirtualSocket}. */
export interface ConnectVirtualSocketOptions {
  /** The server's virtual host (a name, or the address `virtualIpOf` gave it). */
  readonly host: string;
  /** The server's port. */
  readonly port: number | string;
  /** The client's host on the virtual network. Default `"client"`. */
  readonly fromHost?: string;
  /** Virtual ms after which an unanswered connect fails with `ETIMEDOUT` (0: never). Default 127 000. */
  readonly connectTimeoutMs?: number;
}

/** Validates a port the way Node does (an integer in [0, 65535], given as a number or digits). */
export function requirePort(port: unknown): number {
  const value = typeof port === "string" && /^\d+$/.test(port) ? Number(port) : port;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new RangeError(`port must be an integer in [0, 65535], received ${String(port)}`);
  }
  return value;
}

/**
 * Opens a virtual socket to `host:port` on `world`'s network (a `Simulation`). Returns at once,
 * like `net.connect`: the socket emits `connect`/`ready` after the SYN-ACK, or `error`
 * (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`). Use it as `createConnection` for `http2.connect`.
 */
export function connectVirtualSocket(
  world: SocketWorld,
  options: ConnectVirtualSocketOptions,
): VirtualSocket {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("connectVirtualSocket needs { host, port }");
  }
  if (typeof options.host !== "string" || options.host.length === 0) {
    throw new TypeError(`host must be a non-empty string, received ${String(options.host)}`);
  }
  const fromHost = options.fromHost ?? "client";
  if (typeof fromHost !== "string" || fromHost.length === 0) {
    throw new TypeError(`fromHost must be a non-empty string, received ${String(fromHost)}`);
  }
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0) {
    throw new RangeError(
      `connectTimeoutMs must be a finite number >= 0, received ${String(timeout)}`,
    );
  }
  return new VirtualSocket(world, {
    kind: "connect",
    fromHost,
    host: hostOfIp(options.host),
    port: requirePort(options.port),
    connectTimeoutMs: timeout,
  });
}
