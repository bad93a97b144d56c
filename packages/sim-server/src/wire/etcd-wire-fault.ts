import { WireError } from "./wire-error.js";

/**
 * A fault the wire-mode etcd can inject, as plain JSON (what the control API accepts). Durations
 * are milliseconds of (real = virtual) time.
 */
export type EtcdWireFault =
  /** The leader is cut off from its peers for `durationMs` (the others elect a new one). */
  | { readonly kind: "leader-loss"; readonly durationMs: number }
  /** Every member is cut off for `durationMs`: no leader anywhere. */
  | { readonly kind: "quorum-loss"; readonly durationMs: number }
  /** The leader hands over to another member at once. */
  | { readonly kind: "leader-change" }
  /** Member `member` is down for `downMs` (its calls fail UNAVAILABLE, its streams end). */
  | { readonly kind: "member-restart"; readonly member: number; readonly downMs: number }
  /** GOAWAY on every open connection (grpc-js `drain`): streams get `graceMs` to finish. */
  | { readonly kind: "goaway"; readonly graceMs: number }
  /** Swallow keep-alive responses: the next `count`, or all until cleared when `count` is absent. */
  | { readonly kind: "drop-keepalive-responses"; readonly count?: number }
  /** Answer every call (unary and keep-alive) `ms` later, until cleared. */
  | { readonly kind: "delay"; readonly ms: number }
  /** End every keep-alive stream of every member with UNAVAILABLE `message`. */
  | { readonly kind: "end-streams"; readonly message?: string };

/** Every fault kind the wire etcd accepts. */
export const ETCD_WIRE_FAULT_KINDS = [
  "leader-loss",
  "quorum-loss",
  "leader-change",
  "member-restart",
  "goaway",
  "drop-keepalive-responses",
  "delay",
  "end-streams",
] as const satisfies readonly EtcdWireFault["kind"][];

function field(input: Record<string, unknown>, name: string, min: number): number {
  const value = input[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new WireError(
      "BAD_FAULT",
      `fault "${String(input.kind)}": ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Checks untrusted JSON (a control request) and returns it as an {@link EtcdWireFault}.
 *
 * @throws WireError `BAD_FAULT` naming the unknown kind or the invalid parameter.
 */
export function parseEtcdWireFault(input: unknown): EtcdWireFault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new WireError("BAD_FAULT", "a fault must be a JSON object with a kind");
  }
  const o = input as Record<string, unknown>;
  switch (o.kind) {
    case "leader-loss":
    case "quorum-loss":
      return { kind: o.kind, durationMs: field(o, "durationMs", 1) };
    case "leader-change":
      return { kind: "leader-change" };
    case "member-restart":
      return {
        kind: "member-restart",
        member: field(o, "member", 0),
        downMs: field(o, "downMs", 1),
      };
    case "goaway":
      return { kind: "goaway", graceMs: o.graceMs === undefined ? 1000 : field(o, "graceMs", 0) };
    case "drop-keepalive-responses":
      return o.count === undefined
        ? { kind: "drop-keepalive-responses" }
        : { kind: "drop-keepalive-responses", count: field(o, "count", 1) };
    case "delay":
      return { kind: "delay", ms: field(o, "ms", 0) };
    case "end-streams": {
      if (o.message !== undefined && typeof o.message !== "string") {
        throw new WireError("BAD_FAULT", 'fault "end-streams": message must be a string');
      }
      return o.message === undefined
        ? { kind: "end-streams" }
        : { kind: "end-streams", message: o.message };
    }
    default:
      throw new WireError(
        "BAD_FAULT",
        `unknown etcd fault kind ${JSON.stringify(o.kind)} (expected one of ${ETCD_WIRE_FAULT_KINDS.join(", ")})`,
      );
  }
}
