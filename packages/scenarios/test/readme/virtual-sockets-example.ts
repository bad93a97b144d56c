import http2 from "node:http2";
import { ClientConn, jsonCodec } from "@dsim/core";
import { encodeGrpcMessage, Http2Dialer } from "@dsim/core/adapters/http2";
import { connectVirtualSocket, Simulation, serveHttp2 } from "@dsim/sim-server";

await using sim = new Simulation({ seed: 42 });
sim.net.setLink("client", "greeter", { latencyMs: 5 });

// A real node:http2 server, fed virtual sockets instead of a port.
const server = http2.createServer();
server.on("stream", (stream) => {
  stream.resume();
  stream.on("end", () => {
    stream.respond(
      { ":status": 200, "content-type": "application/grpc" },
      { waitForTrailers: true },
    );
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(encodeGrpcMessage(new TextEncoder().encode('{"message":"hello"}')));
  });
});
serveHttp2(sim, "greeter:50051", server);

// Core's production gRPC stack over node:http2; only the socket is virtual.
const conn = new ClientConn({
  target: "greeter:50051",
  dialer: new Http2Dialer({
    sessionOptions: {
      createConnection: () => connectVirtualSocket(sim, { host: "greeter", port: 50051 }),
    },
  }),
  clock: sim.clockFor("conn"),
  random: sim.randomFor("conn"),
});
const sayHello = {
  path: "/demo.Greeter/SayHello",
  requestCodec: jsonCodec<{ name: string }>(),
  responseCodec: jsonCodec<{ message: string }>(),
};
let reply: { message: string } | undefined;
sim.spawn("call", async () => {
  reply = await conn.unary(sayHello, { name: "dsim" });
});
await sim.runUntil(() => reply !== undefined, { timeoutMs: 1_000 });
// Connect (one round trip) + the call (one round trip) on a 5 ms link: 20 virtual ms.
console.log(reply?.message, `at ${sim.now()} virtual ms`);
await conn.close();
server.close();
await sim.runFor(1_000); // lets the sockets close: nothing stays open
