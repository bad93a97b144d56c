import * as grpc from "@grpc/grpc-js";

/** A unary method over raw bytes (no protobuf needed): the request names the RPC, e.g. `rpc-3`. */
export const echoService: grpc.ServiceDefinition = {
  Echo: {
    path: "/dsim.example.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
    originalName: "echo",
  },
};

/** The generic grpc-js client of {@link echoService}, as `makeGenericClientConstructor` builds it. */
export interface EchoClient {
  Echo(
    request: Buffer,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, reply?: Buffer) => void,
  ): void;
  close(): void;
}

/** A grpc-js client of {@link echoService} for `target`, with default channel options. */
export function echoClient(target: string): EchoClient {
  const Client = grpc.makeGenericClientConstructor(echoService, "Echo");
  return new Client(target, grpc.credentials.createInsecure()) as unknown as EchoClient;
}

/**
 * A grpc-js server whose Echo answers with the request after `handlerMs` of virtual time, counting
 * every handler run per RPC name in `processed` (the "did the server run it" side of the
 * never-resend rule).
 */
export function echoServer(processed: Map<string, number>, handlerMs: number): grpc.Server {
  const server = new grpc.Server();
  server.addService(echoService, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const name = call.request.toString("latin1");
      processed.set(name, (processed.get(name) ?? 0) + 1);
      // A global timer: under installGlobals it runs on virtual time.
      setTimeout(() => callback(null, call.request), handlerMs);
    },
  });
  return server;
}
