import { intField, MAX_FAULT_COUNT, MAX_FAULT_MS, MAX_FAULT_TEXT } from "./fault-limits.js";
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
      return { kind: o.kind, durationMs: intField(o, "durationMs", 1, MAX_FAULT_MS) };
    case "leader-change":
      return { kind: "leader-change" };
    case "member-restart":
      return {
        kind: "member-restart",
        // The wire server checks that the cluster has this member.
        member: intField(o, "member", 0, MAX_FAULT_COUNT),
        downMs: intField(o, "downMs", 1, MAX_FAULT_MS),
      };
    case "goaway":
      return {
        kind: "goaway",
        graceMs: o.graceMs === undefined ? 1000 : intField(o, "graceMs", 0, MAX_FAULT_MS),
      };
    case "drop-keepalive-responses":
      return o.count === undefined
        ? { kind: "drop-keepalive-responses" }
        : { kind: "drop-keepalive-responses", count: intField(o, "count", 1, MAX_FAULT_COUNT) };
    case "delay":
      return { kind: "delay", ms: intField(o, "ms", 0, MAX_FAULT_MS) };
    case "end-streams": {
      if (
        o.message !== undefined &&
        (typeof o.message !== "string" || o.message.length > MAX_FAULT_TEXT)
      ) {
        throw new WireError(
          "BAD_FAULT",
          `fault "end-streams": message must be a string of at most ${MAX_FAULT_TEXT} characters`,
        );
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
