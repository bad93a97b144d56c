import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

/** HTTP/2 frame type of RST_STREAM (RFC 9113 §6.4). */
export const RST_STREAM = 0x3;

/** The client connection preface that precedes the first frame (RFC 9113 §3.4). */
const PREFACE_BYTES = 24;
const FRAME_HEADER_BYTES = 9;

/** Parses the frame headers of one direction of an HTTP/2 connection. */
class FrameParser {
  #pending = Buffer.alloc(0);
  #prefaceLeft = PREFACE_BYTES;

  constructor(readonly onFrame: (type: number, streamId: number) => void) {}

  push(chunk: Buffer): void {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const skip = Math.min(this.#prefaceLeft, data.length);
    this.#prefaceLeft -= skip;
    data = data.subarray(skip);
    while (data.length >= FRAME_HEADER_BYTES) {
      const length = data.readUIntBE(0, 3);
      if (data.length < FRAME_HEADER_BYTES + length) break;
      this.onFrame(data.readUInt8(3), data.readUInt32BE(5) & 0x7fffffff);
      data = data.subarray(FRAME_HEADER_BYTES + length);
    }
    this.#pending = Buffer.from(data);
  }
}

/**
 * A TCP proxy on loopback in front of an HTTP/2 server that notes the type of every frame the
 * client sends, so a test can say which frames went on the wire. The client keeps its native
 * socket (no `createConnection`), so its write timing is production's.
 */
export class FrameTapProxy implements AsyncDisposable {
  /** `[type, streamId]` of every frame a client sent, in order. */
  readonly fromClient: [type: number, streamId: number][] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts a proxy to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<FrameTapProxy> {
    const server = createServer();
    const proxy = new FrameTapProxy(server);
    server.on("connection", (client) => proxy.#relay(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** `127.0.0.1:port` of the proxy. */
  get address(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Frames of `type` the clients sent. */
  count(type: number): number {
    return this.fromClient.filter(([t]) => t === type).length;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
      socket.on("error", () => {});
    }
    const parser = new FrameParser((type, id) => this.fromClient.push([type, id]));
    client.on("data", (chunk: Buffer) => parser.push(chunk));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }
}
