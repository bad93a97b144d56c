import type { Http2ErrorCodeValue } from "@dsim/core";

/** One stream the server accepted. */
export interface StreamRecord {
  readonly connectionId: number;
  readonly streamId: number;
  readonly method: string;
  /** Virtual time it arrived. */
  readonly at: number;
}

/** One accepted TCP connection and what the server did with it. */
export interface AcceptRecord {
  readonly connectionId: number;
  /** The client host. */
  readonly peer: string;
  /** Virtual time of the accept. */
  readonly at: number;
  /** The connection mode in force: `normal` (served), `blackhole` or `accept-then-close`. */
  readonly mode: "normal" | "blackhole" | "accept-then-close";
}

/** One PING the server received. */
export interface PingRecord {
  readonly connectionId: number;
  readonly at: number;
}

/** One RST_STREAM the server received or sent. */
export interface RstRecord {
  readonly connectionId: number;
  readonly streamId: number;
  readonly code: Http2ErrorCodeValue;
  readonly at: number;
}

/** One GOAWAY the server sent. */
export interface GoawayRecord {
  readonly connectionId: number;
  readonly lastStreamId: number;
  readonly code: Http2ErrorCodeValue;
  readonly debug: string;
  readonly at: number;
}

/**
 * What the server saw, for invariants stated "from the outside". A live view: the server keeps
 * updating it; copy what you need to compare later.
 */
export interface GrpcServerStats {
  /** TCP-level accepts, whatever the connection fault mode. */
  readonly connectionsAccepted: number;
  /** Every accept, in order (attempt spacing, e.g. connection backoff, can be judged from it). */
  readonly accepts: readonly AcceptRecord[];
  /** Connections that completed the handshake (SETTINGS sent). */
  readonly handshakes: number;
  /** Connections closed before SETTINGS by the `accept-then-close` mode. */
  readonly connectionsClosedBeforeSettings: number;
  /** Connections accepted and never answered (`blackhole` mode). */
  readonly connectionsBlackholed: number;
  /** Every stream accepted, in arrival order. */
  readonly streams: readonly StreamRecord[];
  /** Non-ack PINGs received. */
  readonly pingsReceived: number;
  /** Every non-ack PING received, in order (keepalive intervals can be judged from it). */
  readonly pings: readonly PingRecord[];
  /** RST_STREAM frames received from clients. */
  readonly rstReceived: readonly RstRecord[];
  /** RST_STREAM frames sent (refused streams, handler resets). */
  readonly rstSent: readonly RstRecord[];
  /** GOAWAY frames sent, in order. */
  readonly goawaysSent: readonly GoawayRecord[];
  /** GOAWAY frames received from clients (a client closing). */
  readonly goawaysReceived: number;
  /** Responses lost to `dropResponses` (unary: whole responses; streaming: messages). */
  readonly responsesDropped: number;
  /** Requests lost to `dropRequests` (unary: whole requests; streaming: messages). */
  readonly requestsDropped: number;
  /** Streams refused with RST_STREAM(REFUSED_STREAM) by `refuseStreams`. */
  readonly streamsRefused: number;
  /** Times the server was stopped (including restarts). */
  readonly stops: number;
}

/** The server's mutable counterpart of {@link GrpcServerStats}. */
export interface MutableServerStats {
  connectionsAccepted: number;
  accepts: AcceptRecord[];
  handshakes: number;
  connectionsClosedBeforeSettings: number;
  connectionsBlackholed: number;
  streams: StreamRecord[];
  pingsReceived: number;
  pings: PingRecord[];
  rstReceived: RstRecord[];
  rstSent: RstRecord[];
  goawaysSent: GoawayRecord[];
  goawaysReceived: number;
  responsesDropped: number;
  requestsDropped: number;
  streamsRefused: number;
  stops: number;
}

/** Fresh, all-zero counters. */
export function emptyServerStats(): MutableServerStats {
  return {
    connectionsAccepted: 0,
    accepts: [],
    handshakes: 0,
    connectionsClosedBeforeSettings: 0,
    connectionsBlackholed: 0,
    streams: [],
    pingsReceived: 0,
    pings: [],
    rstReceived: [],
    rstSent: [],
    goawaysSent: [],
    goawaysReceived: 0,
    responsesDropped: 0,
    requestsDropped: 0,
    streamsRefused: 0,
    stops: 0,
  };
}
