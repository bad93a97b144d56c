import type { LeaseOp, Outcome } from "./lease-ops.js";

/**
 * Whether two normalised outcomes agree: same gRPC code, same message, same body — except that a
 * TimeToLive's remaining `TTL` may differ by 1 s, because the two servers answer at slightly
 * different real instants and etcd floors the remaining seconds. `-1` (not found / expired) is a
 * sentinel, not a duration: it must match exactly.
 */
export function agree(op: LeaseOp, real: Outcome, fake: Outcome): boolean {
  if (real.code !== fake.code || real.details !== fake.details) return false;
  if (real.body === null || fake.body === null) return real.body === fake.body;
  if (op.op === "timeToLive") {
    const { TTL: a, ...restReal } = real.body;
    const { TTL: b, ...restFake } = fake.body;
    if (typeof a !== "number" || typeof b !== "number" || Math.abs(a - b) > 1) return false;
    if ((a === -1 || b === -1) && a !== b) return false;
    return JSON.stringify(restReal) === JSON.stringify(restFake);
  }
  return JSON.stringify(real.body) === JSON.stringify(fake.body);
}
