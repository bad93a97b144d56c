import type { Simulation } from "@dsim/sim-server";
import { type ConnCase, serverAddress } from "../conn/conn-case.js";
import type { ConnStack } from "../conn/conn-stack.js";
import { CLIENT_HOST, type ConnServers } from "../conn/world.js";
import { Http2EchoServer } from "./http2-echo-server.js";
import { VirtualHttp2Dialer } from "./virtual-http2-dialer.js";

/** Starts one node:http2 echo server per address of the case, as the fake world does. */
function startHttp2Servers(sim: Simulation, testCase: ConnCase): ConnServers {
  const processed = new Map<string, number>();
  const servers: Http2EchoServer[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < testCase.servers; i++) {
    const address = serverAddress(i);
    const server = new Http2EchoServer(sim, {
      address,
      processingMs: testCase.processingMs,
      gracefulGoawayDelayMs: 2 * testCase.latencyMs + 1,
      enforcePings: testCase.keepaliveMs !== null,
      onCall: (id) => {
        if (id !== undefined) processed.set(id, (processed.get(id) ?? 0) + 1);
      },
    });
    server.start();
    sim.net.setLink(CLIENT_HOST, server.host, { latencyMs: testCase.latencyMs });
    servers.push(server);
    addresses.push(address);
  }
  return {
    servers,
    addresses,
    processed,
    close: async () => {
      for (const server of servers) await server.close();
    },
  };
}

/**
 * The production stack: core's `Http2Dialer` (node:http2 client) on virtual sockets against real
 * node:http2 servers on virtual sockets.
 */
export const http2ConnStack: ConnStack = {
  startServers: startHttp2Servers,
  statusProbes: true,
  dialer: (sim) => new VirtualHttp2Dialer(sim, CLIENT_HOST),
};
