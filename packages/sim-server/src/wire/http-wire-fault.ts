import { HTTP_FAULT_KINDS, type HttpFault } from "../http/http-faults.js";
import {
  intField,
  MAX_FAULT_COUNT,
  MAX_FAULT_MS,
  MAX_FAULT_TEXT,
  MAX_OVERSIZED_BYTES,
} from "./fault-limits.js";
import { WireError } from "./wire-error.js";

/** An HTTP fault as the control API takes it: the fake server's fault, for `count` requests. */
export interface HttpWireFault {
  readonly fault: HttpFault;
  /** Requests it applies to; absent = every request until cleared. */
  readonly count?: number;
}

/** An HTTP field name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Most headers one fault may set. */
const MAX_FAULT_HEADERS = 64;

function headerSet(value: unknown): Record<string, readonly string[]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WireError("BAD_FAULT", 'fault "headers": set must be an object of string lists');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_FAULT_HEADERS) {
    throw new WireError(
      "BAD_FAULT",
      `fault "headers": set has ${entries.length} headers, at most ${MAX_FAULT_HEADERS}`,
    );
  }
  const out: Record<string, readonly string[]> = {};
  for (const [name, values] of entries) {
    if (!TOKEN.test(name)) {
      throw new WireError("BAD_FAULT", `fault "headers": set has an invalid header name`);
    }
    if (
      !Array.isArray(values) ||
      values.length > MAX_FAULT_HEADERS ||
      !values.every((v) => typeof v === "string" && v.length <= MAX_FAULT_TEXT)
    ) {
      throw new WireError(
        "BAD_FAULT",
        `fault "headers": set.${name} must be a list of at most ${MAX_FAULT_HEADERS} strings of at most ${MAX_FAULT_TEXT} characters`,
      );
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
      return { kind: "delay", ms: intField(o, "ms", 0, MAX_FAULT_MS) };
    case "status":
      return { kind: "status", status: intField(o, "status", 100, 599) };
    case "oversized":
      return { kind: "oversized", bytes: intField(o, "bytes", 0, MAX_OVERSIZED_BYTES) };
    case "slow-body":
      return {
        kind: "slow-body",
        chunks: intField(o, "chunks", 1, MAX_FAULT_COUNT),
        chunkDelayMs: intField(o, "chunkDelayMs", 0, MAX_FAULT_MS),
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
  return o.count === undefined
    ? { fault }
    : { fault, count: intField(o, "count", 1, MAX_FAULT_COUNT) };
}
