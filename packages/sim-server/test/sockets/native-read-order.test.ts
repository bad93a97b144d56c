import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/simulation.js";
import { connectVirtualSocket, listenVirtualSockets } from "../../src/sockets/index.js";

// node:http2 run over a virtual socket must put the same frames on the wire as over TCP. The
// case: the client closes a stream with `close(NO_ERROR)` after the server ended it — what the
// node:http2 adapter of core did after every call before cbc3435 (issue 10). Over TCP the
// client's `end` listener runs inside nghttp2's frame callback (Node drains `nextTick` after every
// outermost callback) and RST_STREAM goes out; the virtual socket must give the same order.

const DATA = 0;
const HEADERS = 1;
const END_STREAM = 0x1;
/** The frame types compared (PRIORITY, WINDOW_UPDATE and connection frames are not). */
const NAMES = new Map([
  [DATA, "DATA"],
  [HEADERS, "HEADERS"],
  [3, "RST_STREAM"],
]);
const CALLS = 5;

type CloseWhen = "end" | "trailers";

interface Shape {
  /** The client keeps its side open (writes a message, never ends) or sends a unary request. */
  readonly request: "open" | "unary";
  /** Which event of the client stream calls `close(NO_ERROR)`. */
  readonly closeOn: CloseWhen;
}

/** Frames on streams (id > 0) as the server received them: `id:TYPE[+ES]`, in arrival order per stream. */
class FrameLog {
  readonly #frames = new Map<number, string[]>();
  #buffer = Buffer.alloc(0);
  #preface = true;

  feed(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (this.#preface) {
      if (this.#buffer.length < 24) return;
      this.#buffer = this.#buffer.subarray(24);
      this.#preface = false;
    }
    while (this.#buffer.length >= 9) {
      const length = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < 9 + length) return;
      const type = this.#buffer[3];
      const flags = this.#buffer[4] ?? 0;
      const id = this.#buffer.readUInt32BE(5) & 0x7fff_ffff;
      this.#buffer = this.#buffer.subarray(9 + length);
      const name = type === undefined ? undefined : NAMES.get(type);
      if (id === 0 || name === undefined) continue;
      const end = (type === DATA || type === HEADERS) && (flags & END_STREAM) !== 0 ? "+ES" : "";
      const list = this.#frames.get(id) ?? [];
      list.push(`${name}${end}`);
      this.#frames.set(id, list);
    }
  }

  /** Per stream, in stream-id order. */
  streams(): string[][] {
    return [...this.#frames.entries()].sort(([a], [b]) => a - b).map(([, frames]) => frames);
  }

  resets(): number {
    return this.streams().filter((frames) => frames.includes("RST_STREAM")).length;
  }
}

/** Ends every stream at once: HEADERS, one DATA, then trailers (a gRPC response). */
function respondingServer(): http2.Http2Server {
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.on("error", () => {});
    stream.respond({ ":status": 200 }, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end("x");
    stream.resume();
  });
  return server;
}

/** `CALLS` calls one after another; each stream is closed with NO_ERROR from `shape.closeOn`. */
async function calls(session: http2.ClientHttp2Session, shape: Shape): Promise<void> {
  for (let i = 0; i < CALLS; i++) {
    const req = session.request(
      { ":method": "POST", ":path": "/x" },
      { endStream: shape.request === "unary" },
    );
    if (shape.request === "open") req.write("hi");
    req.on(shape.closeOn, () => req.close(http2.constants.NGHTTP2_NO_ERROR));
    req.resume();
    await once(req, "close");
  }
}

/** The server's received frames with the client on loopback TCP (through a counting proxy). */
async function overTcp(shape: Shape): Promise<FrameLog> {
  const log = new FrameLog();
  const server = respondingServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const serverPort = (server.address() as net.AddressInfo).port;
  const closed: Array<Promise<unknown>> = [];
  const proxy = net.createServer((down) => {
    const up = net.connect(serverPort, "127.0.0.1");
    closed.push(once(down, "close"));
    down.on("data", (chunk: Buffer) => {
      log.feed(chunk);
      up.write(chunk);
    });
    up.on("data", (chunk: Buffer) => down.write(chunk));
    down.on("close", () => up.destroy());
    up.on("close", () => down.destroy());
    up.on("error", () => {});
    down.on("error", () => {});
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  const session = http2.connect(`http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`);
  await calls(session, shape);
  // The client's connection closes after everything it wrote: the log then holds every frame.
  session.close();
  await Promise.all(closed);
  proxy.close();
  server.close();
  return log;
}

/** The same over a virtual socket: frames as the server's virtual socket received them. */
async function overVirtualSocket(shape: Shape): Promise<FrameLog> {
  const log = new FrameLog();
  await using sim = new Simulation({ seed: 1 });
  sim.net.setLink("client", "srv", { latencyMs: 1 });
  const server = respondingServer();
  listenVirtualSockets(sim, "srv:80", (socket) => {
    server.emit("connection", socket);
    // Added after node:http2's own reader (which paused the socket), so it does not start the flow.
    socket.on("data", (chunk: Buffer) => log.feed(chunk));
  });
  const session = http2.connect("http://srv:80", {
    createConnection: () =>
      connectVirtualSocket(sim, { host: "srv", port: 80, fromHost: "client" }),
  });
  let done = false;
  sim.spawn("calls", async () => {
    await calls(session, shape);
    done = true;
  });
  await sim.runUntil(() => done, { timeoutMs: 10_000 });
  session.close();
  await sim.runUntilIdle({ limitMs: 10_000 });
  expect(sim.net.openConnections()).toBe(0);
  return log;
}

describe("node:http2 over a virtual socket sends the frames it sends over TCP", () => {
  const shapes: Shape[] = [
    { request: "open", closeOn: "end" },
    { request: "open", closeOn: "trailers" },
    { request: "unary", closeOn: "end" },
    { request: "unary", closeOn: "trailers" },
  ];
  for (const shape of shapes) {
    it(`${shape.request} request, close(NO_ERROR) on ${shape.closeOn}`, async () => {
      const tcp = await overTcp(shape);
      const virtual = await overVirtualSocket(shape);
      expect(virtual.streams()).toEqual(tcp.streams());
      expect(virtual.streams()).toHaveLength(CALLS);
    });
  }

  it("an RST_STREAM(NO_ERROR) from a stream's end listener reaches the server after every call", async () => {
    // The regression of issue 10 in numbers: these are the resets that spent nghttp2's budget.
    const virtual = await overVirtualSocket({ request: "open", closeOn: "end" });
    expect(virtual.resets()).toBe(CALLS);
  });
});
