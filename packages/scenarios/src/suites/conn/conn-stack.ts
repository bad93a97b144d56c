import type { Dialer } from "@dsim/core";
import { GrpcDialer, type Simulation } from "@dsim/sim-server";
import type { ConnCase, GoawayFaultMode } from "./conn-case.js";
import { CLIENT_HOST, type ConnServers, startServers } from "./world.js";

/** What new connections to a server get. */
export type ConnConnectionMode = "normal" | "refuse" | "accept-then-close" | "blackhole";

/**
 * One server's fault surface as the conn run and its fault driver use it. The fake `GrpcServer`
 * has it; so does the node:http2 server of the `conn-http2` suite.
 */
export interface ConnServer {
  readonly host: string;
  readonly running: boolean;
  readonly connectionMode: ConnConnectionMode;
  readonly stats: { readonly goawaysSent: readonly { readonly debug: string }[] };
  start(): void;
  restart(options: { readonly downMs?: number }): Promise<void>;
  goaway(options: { readonly mode: GoawayFaultMode }): void;
  closeConnections(options: { readonly reset?: boolean }): void;
  refuseStreams(rule: { readonly method: string; readonly count?: number }): void;
  setConnectionMode(mode: ConnConnectionMode): void;
  clearFaults(): void;
  close(): Promise<void>;
  /** PING frames this server received, when the server can see them (real HTTP/2 servers). */
  readonly pingsReceived?: number;
}

/** The client's dialer as the conn run needs it: a Dialer that can say what it still holds. */
export interface ConnDialer extends Dialer {
  /** Connections it opened that are not closed yet. */
  readonly openTransports: number;
  /** Keepalive PINGs whose `ping()` resolved (core saw an ack), when the dialer counts them. */
  readonly acknowledgedPings?: number;
  /** Frames the client sent on streams closed at the client, when the dialer reads its frames. */
  readonly framesOnClosedStreams?: readonly FrameOnClosedStream[];
  close(): Promise<void>;
}

/** A frame a client sent on a stream that was closed at the client (see `checkClosedStreams`). */
export interface FrameOnClosedStream {
  /** The dialer's connection index. */
  readonly connection: number;
  readonly streamId: number;
  /** Frame type name, e.g. `RST_STREAM`. */
  readonly frame: string;
  /** RST_STREAM's error code. */
  readonly errorCode?: number;
  /** What closed the stream, e.g. `END_STREAM sent and received`. */
  readonly closedBy: string;
}

/**
 * `conn.no-frames-on-closed-stream` (RFC 9113 §5.1: "An endpoint MUST NOT send frames other than
 * PRIORITY on a closed stream"): judged on stacks whose dialer reads the client's frames
 * (conn-http2). Such frames are not harmless: servers count every RST_STREAM they receive against
 * a rapid-reset budget (nghttp2: 1 000, then 33 per second) and send GOAWAY(INTERNAL_ERROR) past
 * it (issue 10).
 */
export function checkClosedStreams(dialer: ConnDialer): {
  invariant: string;
  message: string;
  details: {
    frames: number;
    connection: number;
    streamId: number;
    frame: string;
    closedBy: string;
  };
}[] {
  const frames = dialer.framesOnClosedStreams;
  const first = frames?.[0];
  if (frames === undefined || first === undefined) return [];
  const code = first.errorCode === undefined ? "" : `(${first.errorCode})`;
  return [
    {
      invariant: "conn.no-frames-on-closed-stream",
      message: `the client sent ${frames.length} frame(s) on closed streams; first: ${first.frame}${code} on stream ${first.streamId} of connection ${first.connection} after ${first.closedBy}`,
      details: {
        frames: frames.length,
        connection: first.connection,
        streamId: first.streamId,
        frame: `${first.frame}${code}`,
        closedBy: first.closedBy,
      },
    },
  ];
}

/**
 * `conn.ping-acks-from-server` (gRFC A8: a keepalive ping is answered only by the peer's PING ack,
 * and a ping that gets none within the timeout means the connection is dead): core may not count
 * more PINGs as acknowledged than the servers received. Judged only on stacks whose dialer and
 * servers both count (the real HTTP/2 ones).
 */
export function checkPingAcks(
  dialer: ConnDialer,
  servers: readonly ConnServer[],
): { invariant: string; message: string; details: { acked: number; received: number } }[] {
  const acked = dialer.acknowledgedPings;
  if (acked === undefined) return [];
  let received = 0;
  for (const server of servers) {
    if (server.pingsReceived === undefined) return [];
    received += server.pingsReceived;
  }
  if (acked <= received) return [];
  return [
    {
      invariant: "conn.ping-acks-from-server",
      message: `core counted ${acked} keepalive PING(s) as acknowledged, the servers received ${received}`,
      details: { acked, received },
    },
  ];
}

/** The stack a conn case runs on: the servers and the client's dialer. */
export interface ConnStack {
  startServers(sim: Simulation, testCase: ConnCase): ConnServers;
  dialer(sim: Simulation): ConnDialer;
  /** Whether the servers serve `STATUS_METHOD` (world.ts): the status phase runs only then. */
  readonly statusProbes?: boolean;
}

/** sim-server's fake gRPC transport: the `conn` suite. */
export const fakeConnStack: ConnStack = {
  startServers,
  statusProbes: true,
  dialer: (sim) => new GrpcDialer(sim, { host: CLIENT_HOST }),
};
