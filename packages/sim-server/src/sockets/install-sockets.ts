import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import tls from "node:tls";
import { requirePort } from "./connect-virtual-socket.js";
import { VirtualSocketError } from "./socket-error.js";
import type { SocketWorld } from "./socket-world.js";
import { type Patch, virtualDnsPatches } from "./virtual-dns.js";
import { hostOfIp, virtualIpOf } from "./virtual-hosts.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, VirtualSocket } from "./virtual-socket.js";

/** Options of `sim.installSockets()`. */
export interface InstallSocketsOptions {
  /**
   * The host routed connections come from: a name, or a function asked at every connect (e.g. to
   * give each of several clients in one process its own host). A `localAddress` in the connect
   * options that names a host on the network wins over both. Default `"client"`.
   */
  readonly fromHost?:
    | string
    | ((target: { readonly host: string; readonly port: number }) => string);
  /** Virtual ms after which an unanswered connect fails with `ETIMEDOUT`. Default 127 000. */
  readonly connectTimeoutMs?: number;
}

type Callback = (...args: unknown[]) => void;

/** The `net.connect` options the router honours besides host, port and path. */
interface ConnectOptionsSeen {
  readonly localAddress?: unknown;
  readonly timeout?: unknown;
  readonly noDelay?: unknown;
  readonly keepAlive?: unknown;
  readonly keepAliveInitialDelay?: unknown;
}

let installed = false;

/** Node's `normalizeArgs` for `net.connect`: (options[, cb]) | (port[, host][, cb]) | (path[, cb]). */
function parseConnectArgs(args: readonly unknown[]): {
  host: string;
  port: unknown;
  path: unknown;
  callback: Callback | undefined;
  options: ConnectOptionsSeen;
} {
  const last = args[args.length - 1];
  const callback = typeof last === "function" ? (last as Callback) : undefined;
  const first = args[0];
  if (typeof first === "object" && first !== null) {
    const options = first as ConnectOptionsSeen & {
      host?: unknown;
      port?: unknown;
      path?: unknown;
    };
    const host =
      typeof options.host === "string" && options.host !== "" ? options.host : "localhost";
    return { host, port: options.port, path: options.path, callback, options };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) {
    return { host: "localhost", port: undefined, path: first, callback, options: {} };
  }
  const second = args[1];
  const host = typeof second === "string" && second !== "" ? second : "localhost";
  return { host, port: first, path: undefined, callback, options: {} };
}

/**
 * Routes `net.connect`/`net.createConnection` to virtual sockets for hosts on `world`'s network
 * (names, or the `10.x.y.z` addresses `virtualIpOf` gives them), and answers DNS for those hosts
 * with those addresses (`virtualDnsPatches`: `lookup`, `resolve*`, `reverse`, callback, promises
 * and `Resolver` forms), so clients without a socket hook (grpc-js channels) run unmodified. ESM
 * named bindings are updated with `syncBuiltinESMExports()`.
 *
 * Nothing real escapes while installed: a connect to a host that is not on the virtual network
 * emits `ECONNREFUSED`; an IPC path, `tls.connect` or `new net.Socket().connect()` throws; and a DNS name that is not virtual
 * fails with `ENOTFOUND` (real DNS is never asked); each is traced as `socket.escape`. Other record
 * types of virtual hosts (TXT, SRV…) answer `ENODATA`. Dispose the result to restore everything.
 *
 * @throws Error when sockets are already installed (by any simulation).
 */
export function installSockets(
  world: SocketWorld,
  options: InstallSocketsOptions = {},
): Disposable {
  if (installed) {
    throw new Error("installSockets: sockets are already installed; dispose that first");
  }
  const fromHostOption = options.fromHost ?? "client";
  if (
    typeof fromHostOption !== "function" &&
    (typeof fromHostOption !== "string" || fromHostOption.length === 0)
  ) {
    throw new TypeError(
      `fromHost must be a non-empty string or a function, received ${String(fromHostOption)}`,
    );
  }
  const fromHostFor = (host: string, port: number): string => {
    const from =
      typeof fromHostOption === "function" ? fromHostOption({ host, port }) : fromHostOption;
    if (typeof from !== "string" || from.length === 0) {
      throw new TypeError(`fromHost() must return a non-empty host name, received ${String(from)}`);
    }
    return from;
  };
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs < 0) {
    throw new RangeError(
      `connectTimeoutMs must be a finite number >= 0, received ${connectTimeoutMs}`,
    );
  }

  const traceEscape = (api: string, target: string, reason: string): void => {
    world.trace.record("socket", "socket.escape", { api, target, reason });
  };
  /** The virtual host behind a name or address, or undefined when it is not on the network. */
  const virtualHost = (hostOrIp: string): string | undefined => {
    const direct = hostOfIp(hostOrIp);
    if (world.net.hasHost(direct)) return direct;
    // An address handed out before this host was first mapped in this process.
    for (const host of world.net.hosts()) if (virtualIpOf(host) === hostOrIp) return host;
    return undefined;
  };

  const connect = (...args: unknown[]): VirtualSocket => {
    const { host, port, path, callback, options: seen } = parseConnectArgs(args);
    let socket: VirtualSocket;
    if (path !== undefined && path !== null) {
      traceEscape("net.connect", String(path), "ipc");
      throw new Error(
        `installSockets: net.connect to the IPC path ${String(path)} is not supported inside the simulation`,
      );
    }
    const checkedPort = requirePort(port);
    const target = virtualHost(host);
    if (target === undefined) {
      traceEscape("net.connect", `${host}:${checkedPort}`, "not-virtual");
      socket = new VirtualSocket(world, {
        kind: "failed",
        host,
        port: checkedPort,
        error: new VirtualSocketError(
          "ECONNREFUSED",
          "connect",
          { address: host, port: checkedPort },
          `host ${host} is not on the virtual network; inside the simulation no real socket is opened`,
        ),
      });
    } else {
      const local =
        typeof seen.localAddress === "string" ? virtualHost(seen.localAddress) : undefined;
      socket = new VirtualSocket(world, {
        kind: "connect",
        fromHost: local ?? fromHostFor(target, checkedPort),
        host: target,
        port: checkedPort,
        connectTimeoutMs,
      });
      // The socket options Node applies from `net.connect(options)`.
      if (typeof seen.timeout === "number" && seen.timeout > 0) socket.setTimeout(seen.timeout);
      if (seen.noDelay === true) socket.setNoDelay(true);
      if (seen.keepAlive === true) {
        const delay = seen.keepAliveInitialDelay;
        socket.setKeepAlive(true, typeof delay === "number" ? delay : 0);
      }
    }
    if (callback !== undefined) socket.once("connect", callback);
    return socket;
  };

  const tlsConnect = (...args: unknown[]): never => {
    const { host, port } = parseConnectArgs(args);
    traceEscape("tls.connect", `${host}:${String(port)}`, "tls");
    throw new Error(
      `installSockets: tls.connect to ${host}:${String(port)} is not supported inside the simulation (virtual sockets carry plaintext only)`,
    );
  };

  // `new net.Socket().connect()` would open a real socket; a VirtualSocket cannot take over an
  // existing net.Socket object, so the call is refused outright.
  const socketConnect = (...args: unknown[]): never => {
    const { host, port, path } = parseConnectArgs(args);
    const target = path === undefined || path === null ? `${host}:${String(port)}` : String(path);
    traceEscape("net.Socket.connect", target, "unroutable");
    throw new Error(
      `installSockets: new net.Socket().connect(${target}) is not routed inside the simulation (no real socket is opened); use net.connect/net.createConnection`,
    );
  };

  const patches: Patch[] = [
    [net, "connect", connect],
    [net, "createConnection", connect],
    [net.Socket.prototype, "connect", socketConnect],
    [tls, "connect", tlsConnect],
    ...virtualDnsPatches({ virtualHost, escape: traceEscape }),
  ];
  const saved = patches.map(
    ([target, key]) => [target, key, Object.getOwnPropertyDescriptor(target, key)] as const,
  );
  for (const [target, key, value] of patches) {
    Object.defineProperty(target, key, {
      configurable: true,
      writable: true,
      enumerable: true,
      value,
    });
  }
  syncBuiltinESMExports();
  installed = true;

  let disposed = false;
  return {
    [Symbol.dispose](): void {
      if (disposed) return;
      disposed = true;
      for (const [target, key, descriptor] of saved) {
        if (descriptor === undefined) delete (target as Record<string, unknown>)[key];
        else Object.defineProperty(target, key, descriptor);
      }
      syncBuiltinESMExports();
      installed = false;
    },
  };
}
