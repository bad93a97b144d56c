import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import type { Simulation } from "../../src/kernel/simulation.js";
import { connectVirtualSocket } from "../../src/sockets/index.js";

/** A unary echo method over raw bytes (no protobuf needed). */
export const echoService: grpc.ServiceDefinition = {
  Echo: {
    path: "/test.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
    originalName: "echo",
  },
};

/** A grpc-js server whose Echo answers with the request bytes. */
export function echoServer(): grpc.Server {
  const server = new grpc.Server();
  server.addService(echoService, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
      callback(null, call.request),
  });
  return server;
}

/** The generic client of {@link echoService}. */
export interface EchoClient {
  Echo(request: Buffer, callback: (error: grpc.ServiceError | null, reply?: Buffer) => void): void;
  close(): void;
}

/** A grpc-js client of {@link echoService} for `target`. */
export function echoClient(target: string): EchoClient {
  const Client = grpc.makeGenericClientConstructor(echoService, "Echo");
  return new Client(target, grpc.credentials.createInsecure()) as unknown as EchoClient;
}

/** An http2 server answering every request with `200` and the body `hello <path>`. */
export function helloServer(): http2.Http2Server {
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    stream.respond({ ":status": 200 });
    stream.end(`hello ${String(headers[":path"])}`);
  });
  return server;
}

/** An http2 client session to `host:port` over a virtual socket from `fromHost`. */
export function http2Session(
  sim: Simulation,
  host: string,
  port: number,
  fromHost = "client",
): http2.ClientHttp2Session {
  return http2.connect(`http://${host}:${port}`, {
    createConnection: () => connectVirtualSocket(sim, { host, port, fromHost }),
  });
}

/** One request on `session`; resolves with the status, date header and body. */
export function get(
  session: http2.ClientHttp2Session,
  path: string,
): Promise<{ status: number; date: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ":path": path });
    let status = 0;
    let date = "";
    let body = "";
    req.setEncoding("utf8");
    req.on("response", (headers) => {
      status = Number(headers[":status"]);
      date = String(headers.date);
    });
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => resolve({ status, date, body }));
    req.on("error", reject);
    req.end();
  });
}
