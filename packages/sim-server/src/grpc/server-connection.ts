import { Http2ErrorCode, type Http2ErrorCodeValue, type TimerHandle } from "@dsim/core";
import type { OwnedClock } from "../kernel/contracts.js";
import type { CloseReason, VirtualConnection } from "../net/contracts.js";
import { GrpcTransportError } from "./errors.js";
import type { FaultRules } from "./faults.js";
import {
  applicationMetadata,
  type DataFrame,
  type GrpcFrame,
  type HeadersFrame,
  headerValue,
  MAX_STREAM_ID,
  PATH_HEADER,
} from "./frames.js";
import { PingEnforcer, type PingPolicy } from "./ping-policy.js";
import { type RegisteredHandler, runBidi, runUnary } from "./server-dispatch.js";
import type { MutableServerStats } from "./server-stats.js";
import { ServerStream, type ServerStreamHost } from "./server-stream.js";
import { GrpcStatus } from "./status.js";
import type { TraceData } from "./world.js";

/** The fault rules a connection consults. */
export interface ConnectionFaults {
  readonly dropResponses: FaultRules;
  readonly dropRequests: FaultRules;
  readonly refuseStreams: FaultRules;
}

/** Everything a {@link ServerConnection} gets from its server. */
export interface ServerConnectionConfig {
  readonly conn: VirtualConnection<GrpcFrame>;
  readonly clock: OwnedClock;
  readonly settingsDelayMs: number;
  readonly gracefulGoawayDelayMs: number;
  readonly gracePeriodMs: number;
  /** gRFC A9 max connection age (already jittered): graceful GOAWAY when it is reached. */
  readonly maxAgeMs: number | undefined;
  readonly pingPolicy: PingPolicy | undefined;
  readonly lookup: (method: string) => RegisteredHandler | undefined;
  readonly faults: ConnectionFaults;
  readonly stats: MutableServerStats;
  readonly record: (kind: string, data: TraceData) => void;
  /** Called once when the connection is gone. */
  readonly onClosed: (connection: ServerConnection) => void;
}

/** How the server sends GOAWAY: see {@link ServerConnection.goaway}. */
export type GoawayMode = "graceful" | "immediate" | "too_many_pings";

interface StreamEntry {
  readonly stream: ServerStream;
  readonly kind: RegisteredHandler["kind"] | "unimplemented";
}

/**
 * The server end of one accepted connection: handshake, stream dispatch, PING, GOAWAY. Every timer
 * goes through the server's clock view and is cleared when the connection closes.
 */
export class ServerConnection {
  readonly #cfg: ServerConnectionConfig;
  readonly #streams = new Map<number, StreamEntry>();
  readonly #pings: PingEnforcer | undefined;
  readonly #timers = new Set<TimerHandle>();
  readonly #abortReasons = new Map<string, Error>();
  #prefaceSeen = false;
  #closed = false;
  #maxClientStreamId = 0;
  /** The last-stream-id of the latest GOAWAY sent; MAX+1 until the first one. */
  #goawaySentId = MAX_STREAM_ID + 1;
  /** The final GOAWAY was sent: close as soon as no stream is left. */
  #draining = false;
  #gracefulStarted = false;

  constructor(config: ServerConnectionConfig) {
    this.#cfg = config;
    this.#pings = config.pingPolicy === undefined ? undefined : new PingEnforcer(config.pingPolicy);
    config.conn.setHandlers({
      onMessage: (frame) => this.#onFrame(frame),
      onClose: (reason) => this.#onPeerClose(reason),
    });
    if (config.maxAgeMs !== undefined) {
      this.#after(config.maxAgeMs, () => {
        config.record("grpc.fault", { conn: this.id, fault: "max-connection-age" });
        this.goaway("graceful", Http2ErrorCode.NO_ERROR, "max_age");
      });
    }
    if (config.settingsDelayMs > 0) {
      this.#after(config.settingsDelayMs, () => this.#sendSettings());
    } else {
      this.#sendSettings();
    }
  }

  /** The network connection id. */
  get id(): number {
    return this.#cfg.conn.id;
  }

  /** The client host. */
  get peer(): string {
    return this.#cfg.conn.remoteHost;
  }

  /** Streams the server has not finished. */
  get activeStreams(): number {
    return this.#streams.size;
  }

  /** True once the connection is gone. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends GOAWAY.
   * - `immediate`: GOAWAY(last id, code, debug), then close at once.
   * - `too_many_pings`: the same with ENHANCE_YOUR_CALM and debug "too_many_pings".
   * - `graceful`: GOAWAY(2³¹−1, NO_ERROR) as a heads-up, after `gracefulGoawayDelayMs` (≈ one round
   *   trip) GOAWAY(last id, code, debug), then close once the remaining streams finish or after
   *   `gracePeriodMs`.
   */
  goaway(mode: GoawayMode, code: Http2ErrorCodeValue, debug: string): void {
    if (this.#closed) return;
    switch (mode) {
      case "immediate":
        this.#sendGoaway(this.#maxClientStreamId, code, debug);
        this.close("closed", "goaway-immediate");
        return;
      case "too_many_pings":
        this.#sendGoaway(
          this.#maxClientStreamId,
          Http2ErrorCode.ENHANCE_YOUR_CALM,
          "too_many_pings",
        );
        this.close("closed", "too_many_pings");
        return;
      case "graceful":
        if (this.#gracefulStarted || this.#draining) return;
        this.#gracefulStarted = true;
        this.#sendGoaway(MAX_STREAM_ID, Http2ErrorCode.NO_ERROR, "");
        this.#after(this.#cfg.gracefulGoawayDelayMs, () => this.#finalGoaway(code, debug));
        return;
    }
  }

  /**
   * Sends a GOAWAY exactly as given, without the monotonicity guard: a misbehaving server, for
   * testing the client's protocol checks.
   */
  injectGoaway(lastStreamId: number, code: Http2ErrorCodeValue, debug: string): void {
    if (this.#closed) return;
    this.#goawaySentId = lastStreamId;
    this.#recordGoaway(lastStreamId, code, debug, true);
    this.#cfg.conn.send({ type: "GOAWAY", lastStreamId, code, debug });
  }

  /**
   * Ends the connection now. `closed` sends what is queued then FIN; `reset` discards it. Every
   * stream's handler sees its signal abort. Idempotent.
   */
  close(kind: CloseReason, why: string): void {
    if (this.#closed) return;
    if (kind === "reset") this.#cfg.conn.reset();
    else this.#cfg.conn.close();
    this.#shutdown(`${kind}: ${why}`);
  }

  #shutdown(why: string): void {
    this.#closed = true;
    for (const handle of this.#timers) this.#cfg.clock.clearTimeout(handle);
    this.#timers.clear();
    for (const { stream } of [...this.#streams.values()]) stream.abort(why);
    this.#cfg.record("grpc.close", { conn: this.id, why });
    this.#cfg.onClosed(this);
  }

  #onPeerClose(reason: CloseReason): void {
    if (this.#closed) return;
    this.#shutdown(`peer ${reason}`);
  }

  #after(ms: number, fn: () => void): void {
    const handle = this.#cfg.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(handle);
  }

  #sendSettings(): void {
    this.#cfg.stats.handshakes += 1;
    this.#cfg.record("grpc.settings", { conn: this.id, peer: this.peer });
    this.#cfg.conn.send({ type: "SETTINGS", ack: false, settings: {} });
  }

  #finalGoaway(code: Http2ErrorCodeValue, debug: string): void {
    this.#sendGoaway(this.#maxClientStreamId, code, debug);
    this.#draining = true;
    if (this.#streams.size === 0) {
      this.close("closed", "goaway-graceful drained");
      return;
    }
    this.#after(this.#cfg.gracePeriodMs, () =>
      this.close("closed", "goaway-graceful grace period over"),
    );
  }

  #sendGoaway(lastStreamId: number, code: Http2ErrorCodeValue, debug: string): void {
    // RFC 9113 §6.8: the last-stream-id of successive GOAWAYs must not increase.
    const id = Math.min(lastStreamId, this.#goawaySentId);
    this.#goawaySentId = id;
    this.#recordGoaway(id, code, debug, false);
    this.#cfg.conn.send({ type: "GOAWAY", lastStreamId: id, code, debug });
  }

  #recordGoaway(
    lastStreamId: number,
    code: Http2ErrorCodeValue,
    debug: string,
    injected: boolean,
  ): void {
    const at = this.#cfg.clock.now();
    this.#cfg.stats.goawaysSent.push({ connectionId: this.id, lastStreamId, code, debug, at });
    this.#cfg.record("grpc.goaway", {
      conn: this.id,
      lastStreamId,
      code,
      debug,
      sent: true,
      injected,
    });
  }

  #protocolError(message: string): void {
    this.#cfg.record("grpc.protocol-error", { conn: this.id, message });
    this.#sendGoaway(this.#maxClientStreamId, Http2ErrorCode.PROTOCOL_ERROR, message);
    this.close("closed", `protocol error: ${message}`);
  }

  #onFrame(frame: GrpcFrame): void {
    if (this.#closed) return;
    if (!this.#prefaceSeen) {
      if (frame.type !== "PREFACE") {
        this.#protocolError(`expected the connection preface, got ${frame.type}`);
        return;
      }
      this.#prefaceSeen = true;
      return;
    }
    switch (frame.type) {
      case "PREFACE":
        this.#protocolError("second connection preface");
        return;
      case "SETTINGS":
        if (!frame.ack) this.#cfg.conn.send({ type: "SETTINGS", ack: true, settings: {} });
        return;
      case "HEADERS":
        this.#onHeaders(frame);
        return;
      case "DATA":
        this.#onData(frame);
        return;
      case "RST_STREAM": {
        const entry = this.#streams.get(frame.streamId);
        if (entry === undefined) return;
        const at = this.#cfg.clock.now();
        this.#cfg.stats.rstReceived.push({
          connectionId: this.id,
          streamId: frame.streamId,
          code: frame.code,
          at,
        });
        this.#cfg.record("grpc.rst", {
          conn: this.id,
          stream: frame.streamId,
          code: frame.code,
          from: "client",
        });
        entry.stream.abort(`client RST_STREAM(${frame.code})`);
        return;
      }
      case "PING":
        if (!frame.ack) this.#onPing(frame.payload);
        return;
      case "GOAWAY":
        this.#cfg.stats.goawaysReceived += 1;
        this.#cfg.record("grpc.goaway", {
          conn: this.id,
          lastStreamId: frame.lastStreamId,
          code: frame.code,
          debug: frame.debug,
          received: true,
        });
        return;
    }
  }

  #onPing(payload: number): void {
    this.#cfg.stats.pingsReceived += 1;
    this.#cfg.stats.pings.push({ connectionId: this.id, at: this.#cfg.clock.now() });
    this.#cfg.record("grpc.ping", { conn: this.id, payload, received: true });
    this.#cfg.conn.send({ type: "PING", ack: true, payload });
    if (this.#pings?.onPing(this.#cfg.clock.now(), this.#streams.size) === true) {
      this.#cfg.record("grpc.fault", {
        conn: this.id,
        fault: "too_many_pings",
        strikes: this.#pings.strikes,
      });
      this.goaway("too_many_pings", Http2ErrorCode.ENHANCE_YOUR_CALM, "too_many_pings");
    }
  }

  #onHeaders(frame: HeadersFrame): void {
    const existing = this.#streams.get(frame.streamId);
    if (existing !== undefined) {
      // Client trailers: only END_STREAM matters to a gRPC server.
      if (frame.endStream) existing.stream.receiveHalfClose();
      return;
    }
    const id = frame.streamId;
    if (!Number.isInteger(id) || id % 2 !== 1 || id <= this.#maxClientStreamId) {
      this.#protocolError(
        `client stream id ${id} is not odd and increasing (last ${this.#maxClientStreamId})`,
      );
      return;
    }
    if (id > this.#goawaySentId) {
      // RFC 9113 §6.8: streams above the announced last-stream-id are ignored.
      this.#cfg.record("grpc.stream.ignored", { conn: this.id, stream: id });
      return;
    }
    this.#maxClientStreamId = id;
    const method = headerValue(frame.headers, PATH_HEADER) ?? "";
    if (this.#cfg.faults.refuseStreams.take(method)) {
      this.#refuse(id, method);
      return;
    }
    const at = this.#cfg.clock.now();
    this.#cfg.stats.streams.push({ connectionId: this.id, streamId: id, method, at });
    this.#cfg.record("grpc.stream.open", { conn: this.id, stream: id, method });
    const registered = this.#cfg.lookup(method);
    const stream = new ServerStream(this.#streamHost(), {
      connectionId: this.id,
      streamId: id,
      method,
      metadata: applicationMetadata(frame.headers, false),
      peer: this.peer,
      clock: this.#cfg.clock,
    });
    this.#streams.set(id, { stream, kind: registered?.kind ?? "unimplemented" });
    if (frame.endStream) stream.receiveHalfClose();
    if (registered === undefined) {
      stream.end({ code: GrpcStatus.UNIMPLEMENTED, details: `unknown method ${method}` });
    } else if (registered.kind === "unary") {
      void runUnary(stream, registered.handler, () => this.#takeRequestDrop(stream));
    } else {
      void runBidi(stream, registered.handler);
    }
  }

  #onData(frame: DataFrame): void {
    const entry = this.#streams.get(frame.streamId);
    if (entry === undefined) return;
    if (frame.message !== undefined) {
      if (entry.kind === "bidi" && this.#takeRequestDrop(entry.stream)) {
        // lost in transit: the handler never sees it
      } else {
        entry.stream.receiveMessage(frame.message);
      }
    }
    if (frame.endStream) entry.stream.receiveHalfClose();
  }

  #refuse(id: number, method: string): void {
    const at = this.#cfg.clock.now();
    this.#cfg.stats.streamsRefused += 1;
    this.#cfg.stats.rstSent.push({
      connectionId: this.id,
      streamId: id,
      code: Http2ErrorCode.REFUSED_STREAM,
      at,
    });
    this.#cfg.record("grpc.fault", { conn: this.id, fault: "refuse-stream", stream: id, method });
    this.#cfg.conn.send({ type: "RST_STREAM", streamId: id, code: Http2ErrorCode.REFUSED_STREAM });
  }

  #takeRequestDrop(stream: ServerStream): boolean {
    if (!this.#cfg.faults.dropRequests.take(stream.method)) return false;
    this.#cfg.stats.requestsDropped += 1;
    this.#cfg.record("grpc.fault", {
      conn: this.id,
      fault: "drop-request",
      stream: stream.streamId,
      method: stream.method,
    });
    return true;
  }

  #streamHost(): ServerStreamHost {
    return {
      send: (frame) => {
        if (frame.type === "RST_STREAM") {
          const at = this.#cfg.clock.now();
          this.#cfg.stats.rstSent.push({
            connectionId: this.id,
            streamId: frame.streamId,
            code: frame.code,
            at,
          });
        }
        return this.#cfg.conn.send(frame);
      },
      sentResponseData: () => this.#pings?.resetStrikes(),
      dropResponse: (stream) => {
        if (!this.#cfg.faults.dropResponses.take(stream.method)) return false;
        this.#cfg.stats.responsesDropped += 1;
        this.#cfg.record("grpc.fault", {
          conn: this.id,
          fault: "drop-response",
          stream: stream.streamId,
          method: stream.method,
        });
        return true;
      },
      streamEnded: (stream, how) => this.#onStreamEnded(stream, how),
      abortReason: (why) => {
        let reason = this.#abortReasons.get(why);
        if (reason === undefined) {
          reason = new GrpcTransportError("closed", `call over: ${why}`);
          this.#abortReasons.set(why, reason);
        }
        return reason;
      },
    };
  }

  #onStreamEnded(stream: ServerStream, how: TraceData): void {
    this.#streams.delete(stream.streamId);
    this.#cfg.record("grpc.stream.end", {
      conn: this.id,
      stream: stream.streamId,
      method: stream.method,
      ...how,
    });
    if (this.#draining && this.#streams.size === 0 && !this.#closed) {
      this.close("closed", "goaway-graceful drained");
    }
  }
}
