import { GrpcServer, GrpcStatus, type Simulation } from "@dsim/sim-server";
import { type ConnCase, type StatusProbe, serverAddress } from "./conn-case.js";
import type { ConnServer } from "./conn-stack.js";

/** The method every RPC of the workload calls. */
export const ECHO_METHOD = "/dsim.Echo/Call";

/** A bidi method that echoes every message until the client half-closes. */
export const STREAM_METHOD = "/dsim.Echo/Stream";

/**
 * A unary method whose server ends each call as the `x-status` metadata asks (a
 * {@link StatusProbe}): a status with details, OK without a message or with two, or late.
 */
export const STATUS_METHOD = "/dsim.Echo/Status";

/** The status and details the server ends a probe with (OK probes: none). */
export const PROBE_STATUS: Readonly<Record<StatusProbe, number | undefined>> = {
  "ok-empty": undefined,
  "ok-two-messages": undefined,
  cancelled: GrpcStatus.CANCELLED,
  unknown: GrpcStatus.UNKNOWN,
  internal: GrpcStatus.INTERNAL,
  "resource-exhausted": GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  deadline: undefined,
};

/** How long the server sits on a `deadline` probe (the call's deadline is shorter). */
export const LATE_PROBE_MS = 5_000;

/** The client's host on the virtual network. */
export const CLIENT_HOST = "client";

/** The fake servers of one case and what their handlers ran. */
export interface ConnServers {
  readonly servers: readonly ConnServer[];
  readonly addresses: readonly string[];
  /** RPC id → number of times a handler ran it. */
  readonly processed: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts `testCase.servers` echo servers. Each handler notes the RPC id (metadata `x-rpc-id`) it
 * ran, then answers after `processingMs` (or the `x-delay-ms` metadata) of server time.
 */
export function startServers(sim: Simulation, testCase: ConnCase): ConnServers {
  const processed = new Map<string, number>();
  const servers: GrpcServer[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < testCase.servers; i++) {
    const address = serverAddress(i);
    const server = new GrpcServer(sim, {
      address,
      gracefulGoawayDelayMs: 2 * testCase.latencyMs + 1,
      // With client keepalive on, the server enforces gRPC's default ping policy, so idle pings
      // earn a too_many_pings GOAWAY and the client must slow down.
      ...(testCase.keepaliveMs === null ? {} : { pingPolicy: {} }),
    });
    server.addUnaryHandler(ECHO_METHOD, async (request, ctx) => {
      const id = ctx.metadata["x-rpc-id"]?.[0];
      if (id !== undefined) processed.set(id, (processed.get(id) ?? 0) + 1);
      const delayMs = Number(ctx.metadata["x-delay-ms"]?.[0] ?? testCase.processingMs);
      if (delayMs > 0) {
        await new Promise<void>((resolve) => {
          const handle = ctx.clock.setTimeout(resolve, delayMs);
          ctx.signal.addEventListener("abort", () => {
            ctx.clock.clearTimeout(handle);
            resolve();
          });
        });
      }
      return request;
    });
    server.addBidiHandler(STREAM_METHOD, async (call) => {
      for await (const message of call.messages) call.write(message);
    });
    server.addBidiHandler(STATUS_METHOD, async (call) => {
      const id = call.metadata["x-rpc-id"]?.[0];
      if (id !== undefined) processed.set(id, (processed.get(id) ?? 0) + 1);
      const probe = call.metadata["x-status"]?.[0] as StatusProbe | undefined;
      for await (const message of call.messages) {
        if (probe === "ok-two-messages") call.write(message);
        if (probe !== "ok-empty") call.write(message);
      }
      if (probe === "deadline") {
        await new Promise<void>((resolve) => {
          const handle = call.clock.setTimeout(resolve, LATE_PROBE_MS);
          call.signal.addEventListener("abort", () => {
            call.clock.clearTimeout(handle);
            resolve();
          });
        });
      }
      const code = probe === undefined ? undefined : PROBE_STATUS[probe];
      if (code === undefined) call.end();
      else call.end({ code, details: `probe ${probe ?? ""} of ${id ?? "?"}` });
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
