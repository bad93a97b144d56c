import {
  ControlServer,
  type ControlTarget,
  isWireError,
  parseEtcdWireFault,
  parseHttpWireFault,
  WireEtcd,
  WireHttp,
} from "@dsim/sim-server";
import { parseHostFlag } from "./host-flag.js";
import type { CliIo } from "./io.js";
import { parseCommand, stringFlag } from "./parse.js";
import { ExitCode, UsageError } from "./usage.js";

/** `dsim serve --help`. */
export const SERVE_HELP = `dsim serve etcd|http [options]: serve a fake on real ports (wire mode), on real time

  etcd   the fake etcd cluster's lease service over gRPC (etcdctl 3.4 works against it)
  http   the fake HTTP server with a JWKS at /.well-known/jwks.json

Options:
  --port N            port of the (first) server; 0 = any free port (default 0)
  --members N         etcd only: 1, 3 or 5 members, one port each (default 1)
  --control-port N    port of the JSON control API; 0 = any free port (default 0)
  --host H            interface to bind (default 127.0.0.1)
  --seed S            seed of the simulation behind the fake (default 1)
  --max-age S         http only: Cache-Control max-age of the JWKS, seconds (default 60)

Control API: GET /status · POST /faults {"kind": …} · DELETE /faults
  POST answers 400 with {"error"} for an unknown kind or a bad field (durations are integer ms
  up to 2147483647, counts up to 1000000, oversized bytes up to 64 MiB).
  DELETE clears EVERY fault still in effect — delay, dropped keep-alive responses, the http
  fault, and (etcd) any leader loss, quorum loss or member restart, whose members rejoin at
  once — and answers {"ok": true, "cleared": [...]}, one line per fault it cleared.
  etcd faults: leader-loss {durationMs} · quorum-loss {durationMs} · leader-change ·
    member-restart {member, downMs} · goaway {graceMs} · drop-keepalive-responses {count?} ·
    delay {ms} · end-streams {message?}
  http faults: drop · delay {ms} · status {status} · malformed-json · truncated ·
    oversized {bytes} · slow-body {chunks, chunkDelayMs} · reset · headers {set}; each with {count?}

Prints the bound addresses, then "ready"; stops cleanly on SIGINT or SIGTERM (exit 0).
`;

function intFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`serve: --${name} must be an integer in [${min}, ${max}], got "${value}"`);
  }
  return n;
}

/**
 * Runs `start`, turning a port that cannot be bound (in use, a host this machine does not have)
 * into a one-line usage error naming the flags instead of a stack trace.
 */
async function bindOrUsage<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (isWireError(error, "BIND_FAILED")) {
      throw new UsageError(`serve: --host/--port: ${error.message.split("\n")[0] ?? ""}`);
    }
    throw error;
  }
}

/** Prints a driver failure on stderr; it also shows in GET /status, and the fake keeps serving. */
function reportDriverError(io: CliIo): (error: Error) => void {
  return (error) => io.stderr(`dsim serve: ${error.message} (the fake keeps running)\n`);
}

/** Resolves when SIGINT or SIGTERM arrives (or `stop` aborts), removing its listeners. */
function untilStopped(stop: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string): void => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      stop?.removeEventListener("abort", onAbort);
      resolve(why);
    };
    const onInt = (): void => done("SIGINT");
    const onTerm = (): void => done("SIGTERM");
    const onAbort = (): void => done("aborted");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    if (stop?.aborted === true) done("aborted");
    else stop?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `dsim serve etcd|http …`: starts a wire server and its control API, prints the addresses and
 * runs until SIGINT/SIGTERM (or `stop`), then closes everything and returns 0.
 */
export async function serveCommand(
  args: readonly string[],
  io: CliIo,
  stop?: AbortSignal,
): Promise<number> {
  const parsed = parseCommand("serve", args, {
    port: { type: "string" },
    members: { type: "string" },
    "control-port": { type: "string" },
    host: { type: "string" },
    seed: { type: "string" },
    "max-age": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (parsed.values.help === true) {
    io.stdout(SERVE_HELP);
    return ExitCode.OK;
  }
  const [kind, ...rest] = parsed.positionals;
  if (kind !== "etcd" && kind !== "http") {
    throw new UsageError(
      `serve: expected "etcd" or "http", got ${kind === undefined ? "nothing" : `"${kind}"`}`,
    );
  }
  if (rest.length > 0) throw new UsageError(`serve: unexpected argument "${rest[0]}"`);
  const port = intFlag(stringFlag(parsed, "port"), "port", 0, 0, 65535);
  const controlPort = intFlag(stringFlag(parsed, "control-port"), "control-port", 0, 0, 65535);
  const seed = intFlag(stringFlag(parsed, "seed"), "seed", 1, 0, 0xffffffff);
  const host = parseHostFlag(stringFlag(parsed, "host"));
  let close: () => Promise<void>;
  let target: ControlTarget;
  if (kind === "etcd") {
    if (stringFlag(parsed, "max-age") !== undefined)
      throw new UsageError("serve etcd: --max-age is for http");
    const members = intFlag(stringFlag(parsed, "members"), "members", 1, 1, 5);
    if (members !== 1 && members !== 3 && members !== 5) {
      throw new UsageError(`serve: --members must be 1, 3 or 5, got ${members}`);
    }
    // Member i listens on port + i: every one of those ports must exist.
    if (port !== 0 && port + members - 1 > 65535) {
      throw new UsageError(
        `serve: --port ${port} leaves no room for ${members} members (ports ${port}..${port + members - 1}; the last must be <= 65535)`,
      );
    }
    const wire = await bindOrUsage(() =>
      WireEtcd.start({ members, port, host, seed, onDriverError: reportDriverError(io) }),
    );
    target = {
      applyFault: (input) => wire.applyFault(parseEtcdWireFault(input)),
      clearFaults: () => wire.clearFaults(),
      status: () => wire.status(),
    };
    close = () => wire.close();
    for (const [i, address] of wire.addresses.entries()) io.stdout(`member ${i}: ${address}\n`);
    io.stdout(`endpoints: ${wire.addresses.join(",")}\n`);
  } else {
    if (stringFlag(parsed, "members") !== undefined)
      throw new UsageError("serve http: --members is for etcd");
    const maxAgeSeconds = intFlag(stringFlag(parsed, "max-age"), "max-age", 60, 0, 2 ** 31 - 1);
    const wire = await bindOrUsage(() =>
      WireHttp.start({ port, host, seed, maxAgeSeconds, onDriverError: reportDriverError(io) }),
    );
    target = {
      applyFault: (input) => wire.applyFault(parseHttpWireFault(input)),
      clearFaults: () => wire.clearFaults(),
      status: () => wire.status(),
    };
    close = () => wire.close();
    io.stdout(`url: ${wire.url}\n`);
  }
  let control: ControlServer;
  try {
    control = await bindOrUsage(() => ControlServer.start({ target, host, port: controlPort }));
  } catch (error) {
    await close();
    throw error;
  }
  io.stdout(`control: ${control.url}\nready\n`);
  const why = await untilStopped(stop);
  io.stderr(`dsim serve: ${why}, shutting down\n`);
  await control.close();
  await close();
  return ExitCode.OK;
}
