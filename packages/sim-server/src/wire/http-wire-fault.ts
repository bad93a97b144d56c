import { HTTP_FAULT_KINDS, type HttpFault } from "../http/http-faults.js";
import { WireError } from "./wire-error.js";

/** An HTTP fault as the control API takes it: the fake server's fault, for `count` requests. */
export interface HttpWireFault {
  readonly fault: HttpFault;
  /** Requests it applies to; absent = every request until cleared. */
  readonly count?: number;
}

function int(o: Record<string, unknown>, name: string, min: number): number {
  const value = o[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new WireError(
      "BAD_FAULT",
      `fault "${String(o.kind)}": ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function headerSet(value: unknown): Record<string, readonly string[]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireError("BAD_FAULT", 'fault "headers": set must be an object of string lists');
  }
  const out: Record<string, readonly string[]> = {};
  for (const [name, values] of Object.entries(value)) {
    if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) {
      throw new WireError("BAD_FAULT", `fault "headers": set.${name} must be a list of strings`);
    }
    out[name] = values as string[];
  }
  return out;
}

function parseFault(o: Record<string, unknown>): HttpFault {
  switch (o.kind) {
    case "drop":
    case "malformed-json":
    case "truncated":
    case "reset":
      return { kind: o.kind };
    case "delay":
      return { kind: "delay", ms: int(o, "ms", 0) };
    case "status":
      return { kind: "status", status: int(o, "status", 100) };
    case "oversized":
      return { kind: "oversized", bytes: int(o, "bytes", 0) };
    case "slow-body":
      return {
        kind: "slow-body",
        chunks: int(o, "chunks", 1),
        chunkDelayMs: int(o, "chunkDelayMs", 0),
      };
    case "headers":
      return { kind: "headers", set: headerSet(o.set) };
    default:
      throw new WireError(
        "BAD_FAULT",
        `unknown http fault kind ${JSON.stringify(o.kind)} (expected one of ${HTTP_FAULT_KINDS.join(", ")})`,
      );
  }
}

/**
 * Checks untrusted JSON (`{ kind, ...params, count? }`) and returns an {@link HttpWireFault}.
 *
 * @throws WireError `BAD_FAULT` naming the unknown kind or the invalid parameter.
 */
export function parseHttpWireFault(input: unknown): HttpWireFault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new WireError("BAD_FAULT", "a fault must be a JSON object with a kind");
  }
  const o = input as Record<string, unknown>;
  const fault = parseFault(o);
  if (
    o.status !== undefined &&
    fault.kind === "status" &&
    (fault.status < 100 || fault.status > 599)
  ) {
    throw new WireError(
      "BAD_FAULT",
      `fault "status": status must be in [100, 599], got ${fault.status}`,
    );
  }
  return o.count === undefined ? { fault } : { fault, count: int(o, "count", 1) };
}
