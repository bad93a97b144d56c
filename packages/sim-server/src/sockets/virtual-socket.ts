import { Duplex } from "node:stream";
import type { TimerHandle } from "@dsim/core";
import type { OwnedClock } from "../kernel/contracts.js";
import type { RealIoHandle } from "../kernel/real-io.js";
import type { VirtualConnection } from "../net/contracts.js";
import { deliverAsNativeRead } from "./native-read-entry.js";
import { VirtualSocketError } from "./socket-error.js";
import { SOCKETS_OWNER, type SocketWorld } from "./socket-world.js";
import { virtualIpOf } from "./virtual-hosts.js";

/**
 * Linux gives up an unanswered connect after about 127 s (6 SYN retries); a virtual connect
 * stuck behind a partition fails with `ETIMEDOUT` after the same virtual time.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 127_000;

/** First port of the ephemeral range client ends are given (Linux's default range). */
const EPHEMERAL_BASE = 32_768;
const EPHEMERAL_SPAN = 28_232;

/** One end's address as Node reports it. */
interface Address {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
}

/**
 * Sees a {@link VirtualSocket}'s bytes as its user did (a tcpdump on the socket, with the exact
 * order of reads and writes); attach with {@link VirtualSocket.observe}.
 */
export interface VirtualSocketObserver {
  /** The user wrote `chunk`; called when it leaves for the network, in write order. */
  sent?(chunk: Buffer): void;
  /** `chunk` is being read: called before its `data` listeners run. */
  reading?(chunk: Buffer): void;
  /**
   * `chunk` was read: called when its `data` event has returned, so everything the chunk caused
   * synchronously (node:http2 parsed all of it, listeners ran, the queues were drained as after a
   * native read) happened before; a write seen after this call was made knowing the chunk. A
   * write between `reading` and `read` happened while the chunk was being parsed.
   */
  read?(chunk: Buffer): void;
}

/** How a {@link VirtualSocket} starts. Build sockets with `connectVirtualSocket`/`listenVirtualSockets`. */
export type VirtualSocketStart =
  | {
      readonly kind: "connect";
      readonly fromHost: string;
      readonly host: string;
      readonly port: number;
      readonly connectTimeoutMs: number;
    }
  | { readonly kind: "accepted"; readonly connection: VirtualConnection<Buffer> }
  | {
      readonly kind: "failed";
      readonly host: string;
      readonly port: number;
      readonly error: Error;
    };

function ephemeralPort(connectionId: number): number {
  return EPHEMERAL_BASE + (connectionId % EPHEMERAL_SPAN);
}

function addressOf(host: string, port: number): Address {
  return { host, ip: virtualIpOf(host), port };
}

/**
 * A `net.Socket`-compatible `stream.Duplex` over a `sim.net` connection; each written chunk
 * travels as one Buffer message. Real node:http2 and grpc-js code runs on it unmodified.
 *
 * - Connect stays pending until the SYN-ACK, then emits `connect` and `ready`; writes and `end()`
 *   made meanwhile wait. Refused ⇒ `ECONNREFUSED`; reset while connecting ⇒ `ECONNRESET`; no answer
 *   within the connect timeout (e.g. a partition) ⇒ `ETIMEDOUT`.
 * - `end()` closes gracefully: the peer reads every byte, then EOF. Because a `sim.net` close is a
 *   full close (the closing end drops what still arrives), the readable side ends with it.
 * - `destroy()` resets: in-flight bytes are discarded and the peer gets `ECONNRESET`.
 * - Backpressure: bytes in flight (sent, not yet delivered) are bounded by `writableHighWaterMark`,
 *   like a kernel send buffer; past it a write's callback waits for deliveries and later chunks
 *   queue in the stream's buffer, so `write()` returns false once that buffer is full too and `drain`
 *   follows the deliveries that empty it. The receiving side does not push back (no receive window).
 * - `setTimeout` runs on virtual time (owner `"sockets"`) and emits `timeout` like Node.
 * - `data` and `end` are emitted as a native socket's reads are: every callback Node makes into
 *   JavaScript under them is followed by a drain of the microtask and `nextTick` queues (see
 *   `deliverAsNativeRead`), so node:http2 orders its frames as over TCP.
 * - Every socket is registered with the run loop (`sim.realIo`) until it is closed.
 */
export class VirtualSocket extends Duplex {
  readonly #world: SocketWorld;
  readonly #clock: OwnedClock;
  readonly #io: RealIoHandle;
  #connection: VirtualConnection<Buffer> | undefined;
  #connecting: boolean;
  #abort: AbortController | undefined;
  #connectTimer: TimerHandle | undefined;
  #afterConnect: Array<() => void> = [];
  #inFlight = 0;
  #windowWaiter: (() => void) | undefined;
  #readEnded = false;
  #bytesWritten = 0;
  #bytesRead = 0;
  #idleMs = 0;
  #idleTimer: TimerHandle | undefined;
  #local: Address | undefined;
  #remote: Address;
  #noDelay = false;
  #keepAlive = false;
  readonly #observers = new Set<VirtualSocketObserver>();

  /** Use `connectVirtualSocket`/`listenVirtualSockets` (or `net.connect` under `installSockets`). */
  constructor(world: SocketWorld, start: VirtualSocketStart) {
    super({ allowHalfOpen: false, emitClose: true, autoDestroy: true });
    this.#world = world;
    this.#clock = world.clockFor(SOCKETS_OWNER);
    this.#io = world.realIo.open();
    switch (start.kind) {
      case "accepted": {
        const conn = start.connection;
        const port = Number(conn.address.slice(conn.address.lastIndexOf(":") + 1));
        this.#local = addressOf(conn.localHost, port);
        this.#remote = addressOf(conn.remoteHost, ephemeralPort(conn.id));
        this.#connecting = false;
        this.#attach(conn);
        break;
      }
      case "connect":
        this.#remote = addressOf(start.host, start.port);
        this.#connecting = true;
        this.#startConnect(start.fromHost, start.connectTimeoutMs);
        break;
      case "failed":
        this.#remote = { host: start.host, ip: start.host, port: start.port };
        this.#connecting = true;
        // Node reports connect failures asynchronously, after the caller attached its listeners.
        process.nextTick(() => this.destroy(start.error));
        break;
    }
  }

  /** True until the connection is established (Node's `socket.connecting`). */
  get connecting(): boolean {
    return this.#connecting;
  }

  /** True while not yet connected (Node's `socket.pending`). */
  get pending(): boolean {
    return this.#connection === undefined;
  }

  /** Node's `socket.readyState`. */
  get readyState(): "opening" | "open" | "readOnly" | "writeOnly" | "closed" {
    if (this.#connecting) return "opening";
    if (this.destroyed) return "closed";
    const r = this.readable;
    const w = this.writable;
    return r && w ? "open" : r ? "readOnly" : w ? "writeOnly" : "closed";
  }

  /** Bytes accepted by `write()` so far, including bytes still waiting for the connect. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** The peer's (virtual) IPv4 address. */
  get remoteAddress(): string | undefined {
    return this.#remote.ip;
  }

  /** The peer's port. */
  get remotePort(): number | undefined {
    return this.#remote.port;
  }

  /** Always `"IPv4"`. */
  get remoteFamily(): string | undefined {
    return "IPv4";
  }

  /** The virtual host name of the peer (not in Node; handy in traces). */
  get remoteHost(): string {
    return this.#remote.host;
  }

  /** This end's (virtual) IPv4 address, once connected. */
  get localAddress(): string | undefined {
    return this.#local?.ip;
  }

  /** This end's port, once connected. */
  get localPort(): number | undefined {
    return this.#local?.port;
  }

  /** The idle timeout set by {@link VirtualSocket.setTimeout} (ms; 0 = none). */
  get timeout(): number {
    return this.#idleMs;
  }

  /** Whether `setNoDelay(true)` was called (recorded only; virtual links have no Nagle delay). */
  get noDelay(): boolean {
    return this.#noDelay;
  }

  /** Whether `setKeepAlive(true)` was called (recorded only; no keep-alive probes are modelled). */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** Node's `socket.address()`: this end's address, or `{}` before the connect. */
  address(): { address: string; family: string; port: number } | Record<string, never> {
    const local = this.#local;
    return local === undefined ? {} : { address: local.ip, family: "IPv4", port: local.port };
  }

  /** Recorded; virtual links never delay small writes. */
  setNoDelay(noDelay = true): this {
    this.#noDelay = noDelay;
    return this;
  }

  /** Recorded; no probes are sent. */
  setKeepAlive(enable = false, _initialDelay?: number): this {
    this.#keepAlive = enable;
    return this;
  }

  /**
   * Emits `timeout` after `ms` of virtual time without reads or writes (0 disables), like Node:
   * the socket stays open. `callback` is added as a one-time `timeout` listener (removed for 0).
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`setTimeout(ms): ms must be a finite number >= 0, received ${ms}`);
    }
    this.#idleMs = ms;
    if (callback !== undefined) {
      if (ms === 0) this.removeListener("timeout", callback);
      else this.once("timeout", callback);
    }
    this.#armIdle();
    return this;
  }

  /** No-op: the run loop, not the socket, decides when the process may exit. */
  ref(): this {
    return this;
  }

  /** No-op, see {@link VirtualSocket.ref}. */
  unref(): this {
    return this;
  }

  /** Node's `resetAndDestroy()`: the same as `destroy()`, which always resets here. */
  resetAndDestroy(): this {
    return this.destroy();
  }

  /** Node's `destroySoon()`: ends the writable side; the socket closes once both sides are done. */
  destroySoon(): void {
    if (this.writable) this.end();
    else this.destroy();
  }

  /**
   * Reports this socket's reads and writes to `observer` from now on (see
   * {@link VirtualSocketObserver}); returns the function that stops it.
   */
  observe(observer: VirtualSocketObserver): () => void {
    this.#observers.add(observer);
    return () => {
      this.#observers.delete(observer);
    };
  }

  /** Emits like `Duplex`; `data` and `end` run as a native read (see `deliverAsNativeRead`). */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "end") return deliverAsNativeRead(() => super.emit(event, ...args));
    if (event !== "data") return super.emit(event, ...args);
    const chunk = args[0];
    const observed = Buffer.isBuffer(chunk) && this.#observers.size > 0 ? chunk : undefined;
    if (observed !== undefined)
      for (const observer of this.#observers) observer.reading?.(observed);
    const listened = deliverAsNativeRead(() => super.emit(event, ...args));
    if (observed !== undefined) for (const observer of this.#observers) observer.read?.(observed);
    return listened;
  }

  override _read(): void {
    // Data is pushed as it arrives; there is no receive window to open.
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.#connecting) {
      this.#afterConnect.push(() => this._write(chunk, _encoding, callback));
      return;
    }
    const conn = this.#connection;
    // Copy: the writer (nghttp2 through JSStreamSocket) may reuse its buffer once the write completes.
    const copy = Buffer.from(chunk);
    const size = copy.length;
    if (conn === undefined || !conn.send(copy, () => this.#delivered(size))) {
      callback(this.#error("EPIPE", "write"));
      return;
    }
    for (const observer of this.#observers) observer.sent?.(copy);
    this.#bytesWritten += size;
    this.#inFlight += size;
    this.#io.touch();
    this.#armIdle();
    if (this.#inFlight < this.writableHighWaterMark) callback();
    else this.#windowWaiter = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#connecting) {
      this.#afterConnect.push(() => this._final(callback));
      return;
    }
    const conn = this.#connection;
    if (conn?.open === true) {
      conn.close();
      this.#io.touch();
      // A sim.net close is a full close: nothing more can arrive, so the readable side ends too.
      this.#endReadable();
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#clearIdle();
    if (this.#connectTimer !== undefined) {
      this.#clock.clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    }
    this.#abort?.abort();
    this.#abort = undefined;
    this.#afterConnect = [];
    this.#windowWaiter = undefined;
    const conn = this.#connection;
    if (conn?.open === true) conn.reset();
    this.#connecting = false;
    this.#io.close();
    callback(error);
  }

  #startConnect(fromHost: string, timeoutMs: number): void {
    const abort = new AbortController();
    this.#abort = abort;
    const address = `${this.#remote.host}:${this.#remote.port}`;
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      this.#connectTimer = this.#clock.setTimeout(() => {
        this.#connectTimer = undefined;
        this.destroy(this.#error("ETIMEDOUT", "connect"));
      }, timeoutMs);
    }
    this.#world.net.connect<Buffer>(fromHost, address, { signal: abort.signal }).then(
      (conn) => {
        if (this.destroyed) {
          conn.reset();
          return;
        }
        this.#abort = undefined;
        if (this.#connectTimer !== undefined) {
          this.#clock.clearTimeout(this.#connectTimer);
          this.#connectTimer = undefined;
        }
        this.#local = addressOf(fromHost, ephemeralPort(conn.id));
        this.#connecting = false;
        this.#attach(conn);
        this.#io.touch();
        this.#armIdle();
        this.emit("connect");
        this.emit("ready");
        const waiting = this.#afterConnect;
        this.#afterConnect = [];
        for (const run of waiting) run();
      },
      (error: unknown) => {
        if (this.destroyed) return;
        const code = (error as { code?: unknown }).code;
        this.destroy(
          this.#error(code === "ECONNREFUSED" ? "ECONNREFUSED" : "ECONNRESET", "connect"),
        );
      },
    );
  }

  #attach(conn: VirtualConnection<Buffer>): void {
    this.#connection = conn;
    conn.setHandlers({
      onMessage: (message) => {
        if (this.destroyed || this.#readEnded) return;
        this.#bytesRead += message.length;
        this.#io.touch();
        this.#armIdle();
        this.push(message);
      },
      onClose: (reason) => {
        if (this.destroyed) return;
        this.#io.touch();
        if (reason === "reset") this.destroy(this.#error("ECONNRESET", "read"));
        else this.#endReadable();
      },
    });
  }

  #endReadable(): void {
    if (this.#readEnded) return;
    this.#readEnded = true;
    this.push(null);
  }

  #delivered(size: number): void {
    this.#inFlight -= size;
    this.#io.touch();
    const waiter = this.#windowWaiter;
    if (waiter !== undefined && this.#inFlight < this.writableHighWaterMark) {
      this.#windowWaiter = undefined;
      waiter();
    }
  }

  #armIdle(): void {
    this.#clearIdle();
    if (this.#idleMs <= 0 || this.destroyed) return;
    this.#idleTimer = this.#clock.setTimeout(() => {
      this.#idleTimer = undefined;
      this.#io.touch();
      this.emit("timeout");
    }, this.#idleMs);
  }

  #clearIdle(): void {
    if (this.#idleTimer !== undefined) {
      this.#clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  #error(code: "ECONNREFUSED" | "ECONNRESET" | "ETIMEDOUT" | "EPIPE", syscall: string): Error {
    return new VirtualSocketError(code, syscall, {
      address: this.#remote.ip,
      port: this.#remote.port,
    });
  }
}
