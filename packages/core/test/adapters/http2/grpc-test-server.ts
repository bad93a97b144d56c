import {
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { encodeGrpcMessage, GrpcMessageDecoder } from "../../../src/adapters/http2/index.js";

/** One request as the test server saw it. */
export interface ReceivedCall {
  readonly stream: ServerHttp2Stream;
  readonly headers: IncomingHttpHeaders;
  /** Messages received so far (decoded from the gRPC framing). */
  readonly messages: Uint8Array[];
  /** Resolves when the client half-closed. */
  readonly halfClosed: Promise<void>;
  /** Resolves with the stream's RST code when the stream closes. */
  readonly closed: Promise<number>;
}

/** Handles one call; the default echoes every message back and ends with OK. */
export type CallHandler = (call: ReceivedCall) => void | Promise<void>;

/**
 * A minimal gRPC server on `node:http2` (h2c on 127.0.0.1, port 0) for the adapter's tests. Each
 * call goes to `handler`; sessions are kept so tests can GOAWAY or destroy them.
 */
export class GrpcTestServer implements AsyncDisposable {
  readonly server: Http2Server;
  readonly sessions = new Set<Http2Session>();
  readonly calls: ReceivedCall[] = [];
  /** Raw TCP sockets (the session's `socket` is a proxy that refuses `destroy`). */
  readonly sockets = new Set<Socket>();
  handler: CallHandler = echoHandler;
  #waiters: (() => void)[] = [];

  private constructor(server: Http2Server) {
    this.server = server;
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.on("session", (session) => {
      this.sessions.add(session);
      session.on("close", () => this.sessions.delete(session));
      session.on("error", () => {});
    });
    server.on("stream", (stream, headers) => this.#onStream(stream, headers));
  }

  /** Starts a server on a free loopback port. */
  static async start(): Promise<GrpcTestServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new GrpcTestServer(server);
  }

  /** `127.0.0.1:port`. */
  get address(): string {
    const info = this.server.address() as AddressInfo;
    return `127.0.0.1:${info.port}`;
  }

  /** The single live session (throws when there is not exactly one). */
  get session(): Http2Session {
    const [first, ...rest] = [...this.sessions];
    if (first === undefined || rest.length > 0) {
      throw new Error(`expected one session, have ${this.sessions.size}`);
    }
    return first;
  }

  /** Resolves once `n` calls have arrived. */
  async waitForCalls(n: number): Promise<void> {
    while (this.calls.length < n) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Kills every TCP connection without sending a frame, as a killed server process does. */
  killConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const decoder = new GrpcMessageDecoder();
    const messages: Uint8Array[] = [];
    stream.on("error", () => {});
    const halfClosed = new Promise<void>((resolve) => stream.on("end", resolve));
    const closed = new Promise<number>((resolve) =>
      stream.on("close", () => resolve(stream.rstCode ?? 0)),
    );
    stream.on("data", (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) messages.push(message);
    });
    const call: ReceivedCall = { stream, headers, messages, halfClosed, closed };
    this.calls.push(call);
    for (const wake of this.#waiters.splice(0)) wake();
    void Promise.resolve(this.handler(call)).catch(() => stream.destroy());
  }
}

/** Echoes each request message after the client half-closes, then ends with OK. */
export const echoHandler: CallHandler = async (call) => {
  await call.halfClosed;
  if (call.stream.destroyed) return;
  call.stream.respond(
    { ":status": 200, "content-type": "application/grpc" },
    {
      waitForTrailers: true,
    },
  );
  call.stream.on("wantTrailers", () => call.stream.sendTrailers({ "grpc-status": "0" }));
  for (const message of call.messages) call.stream.write(encodeGrpcMessage(message));
  call.stream.end();
};

/** Resolves on the next `event` of `emitter`. */
export function once<T extends unknown[]>(
  emitter: { once(event: string, listener: (...args: T) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise<T>((resolve) => emitter.once(event, (...args: T) => resolve(args)));
}
