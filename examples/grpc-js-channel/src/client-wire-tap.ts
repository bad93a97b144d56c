import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { FRAME, FrameReader } from "./http2-frames.js";

/** One client connection as its bytes showed it (a tcpdump on the client host, so to speak). */
export interface TappedConnection {
  /** Index in connect order. */
  readonly id: number;
  /** `host:port` the client dialled. */
  readonly address: string;
  /** Virtual ms the TCP connection was established (the client's `connect` event). */
  connectedAt?: number;
  /** Virtual ms the attempt failed (an error or a close before `connect`), read on the client. */
  failedAt?: number;
  /** Virtual ms of the first GOAWAY the client received, its error code and last stream id. */
  goaway?: { readonly at: number; readonly code: number; readonly lastStreamId: number };
  /** Virtual ms the client wrote the HEADERS opening each stream (by stream id). */
  readonly streamOpenedAt: Map<number, number>;
  /** The RPC each stream carried (its first DATA payload), by stream id. */
  readonly rpcOfStream: Map<number, string>;
  /** RST_STREAM error codes the client received, by stream id. */
  readonly resetCode: Map<number, number>;
}

/**
 * Wraps `net.connect` (as `sim.installSockets()` routed it) to read the HTTP/2 frames every client
 * connection writes and receives, without touching grpc-js: the stream openings, which RPC each
 * stream carried, GOAWAY and RST_STREAM. Dispose it before disposing `installSockets`.
 */
export function tapClientConnections(now: () => number): {
  readonly connections: TappedConnection[];
} & Disposable {
  const connections: TappedConnection[] = [];
  const routed = net.connect;
  const routedCreate = net.createConnection;
  const tapped = ((...args: Parameters<typeof net.connect>) => {
    const socket = (routed as (...a: unknown[]) => net.Socket)(...args);
    const first = args[0] as unknown;
    const options = (typeof first === "object" && first !== null ? first : {}) as {
      host?: string;
      port?: number;
    };
    const connection: TappedConnection = {
      id: connections.length,
      address: `${options.host ?? "?"}:${options.port ?? "?"}`,
      streamOpenedAt: new Map(),
      rpcOfStream: new Map(),
      resetCode: new Map(),
    };
    connections.push(connection);
    const outgoing = new FrameReader(true);
    const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) || chunk instanceof Uint8Array) {
        for (const frame of outgoing.push(Buffer.from(chunk))) {
          if (frame.type === FRAME.HEADERS && !connection.streamOpenedAt.has(frame.streamId)) {
            connection.streamOpenedAt.set(frame.streamId, now());
          } else if (frame.type === FRAME.DATA && !connection.rpcOfStream.has(frame.streamId)) {
            // gRPC's 5-byte message prefix, then the raw request (the RPC's name).
            connection.rpcOfStream.set(
              frame.streamId,
              frame.payload.subarray(5).toString("latin1"),
            );
          }
        }
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    socket.once("connect", () => {
      connection.connectedAt = now();
    });
    const failed = (): void => {
      if (connection.connectedAt === undefined) connection.failedAt ??= now();
    };
    socket.once("error", failed);
    socket.once("close", failed);
    const incoming = new FrameReader(false);
    socket.on("data", (chunk: Buffer) => {
      for (const frame of incoming.push(chunk)) {
        if (frame.type === FRAME.GOAWAY && connection.goaway === undefined) {
          connection.goaway = {
            at: now(),
            lastStreamId: frame.payload.readUInt32BE(0) & 0x7fffffff,
            code: frame.payload.readUInt32BE(4),
          };
        } else if (frame.type === FRAME.RST_STREAM) {
          connection.resetCode.set(frame.streamId, frame.payload.readUInt32BE(0));
        }
      }
    });
    return socket;
  }) as typeof net.connect;
  net.connect = tapped;
  net.createConnection = tapped;
  syncBuiltinESMExports();
  return {
    connections,
    [Symbol.dispose]: () => {
      net.connect = routed;
      net.createConnection = routedCreate;
      syncBuiltinESMExports();
    },
  };
}
