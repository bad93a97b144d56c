import { GrpcJsLeaseClient } from "@dsim/core/adapters/grpc-js";
import { virtualIpOf } from "@dsim/sim-server";
import { Client, credentials } from "@grpc/grpc-js";
import type { WireLeaseClientFactory } from "../lease-http2/http2-lease-world.js";

/**
 * `GrpcJsLeaseClient` over an unmodified grpc-js channel: `sim.installSockets()` routes its
 * `net.connect` to virtual sockets and `sim.installGlobals()` puts its timers (backoff, keepalive,
 * idle), `Math.random` and `AbortSignal.timeout` on virtual time, both for the case's lifetime.
 * The members are addressed by their virtual IPs; the channel has its own subchannel pool so that
 * nothing is shared between cases.
 */
export const grpcJsLeaseClient: WireLeaseClientFactory = (sim, addresses) => {
  const globals = sim.installGlobals();
  const sockets = sim.installSockets();
  const target = `ipv4:${addresses
    .map((address) => {
      const colon = address.lastIndexOf(":");
      return `${virtualIpOf(address.slice(0, colon))}:${address.slice(colon + 1)}`;
    })
    .join(",")}`;
  const client = new Client(target, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
  return {
    client: new GrpcJsLeaseClient(client),
    close: async () => {
      try {
        client.close();
        // grpc-js tears its connections down from timers and immediates: let them run.
        await sim.runFor(1_000);
      } finally {
        // Never leave the process's net.connect, timers or Math.random virtual for the next case.
        sockets[Symbol.dispose]();
        globals[Symbol.dispose]();
      }
    },
  };
};
