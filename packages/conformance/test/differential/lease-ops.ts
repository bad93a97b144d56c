import { leaseServiceDefinition } from "@dsim/sim-server";
import {
  type Client,
  type ClientDuplexStream,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import fc from "fast-check";

/** A lease named by the order in which a sequence created it, or a literal ID. */
export type LeaseRef = { readonly ref: number } | { readonly literal: bigint };

/** One operation of a differential sequence. */
export type LeaseOp =
  | { readonly op: "grant"; readonly ttl: number; readonly id: "auto" | LeaseRef }
  | { readonly op: "revoke"; readonly id: LeaseRef }
  | { readonly op: "keepAliveOnce"; readonly id: LeaseRef }
  | { readonly op: "timeToLive"; readonly id: LeaseRef; readonly keys: boolean }
  | { readonly op: "leases" };

/** IDs no sequence creates by itself (unknown), plus int64 edges. */
export const EDGE_IDS: readonly bigint[] = [
  0n,
  1n,
  42n,
  -1n,
  (1n << 63n) - 1n,
  -(1n << 63n),
  0x7ead_beefn,
];

/** TTL edges: negatives, zero, below and at the minimum, ordinary, the maximum and beyond it. */
export const EDGE_TTLS: readonly number[] = [
  -5,
  -1,
  0,
  1,
  2,
  3,
  10,
  3600,
  9_000_000_000,
  9_000_000_001,
  Number.MAX_SAFE_INTEGER,
];

const ref: fc.Arbitrary<LeaseRef> = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 5 }).map((n) => ({ ref: n })) },
  { weight: 1, arbitrary: fc.constantFrom(...EDGE_IDS).map((id) => ({ literal: id })) },
);

/** Generated operations, biased towards edges. */
export const leaseOp: fc.Arbitrary<LeaseOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("grant" as const),
      ttl: fc.oneof(fc.constantFrom(...EDGE_TTLS), fc.integer({ min: -3, max: 120 })),
      id: fc.oneof(
        { weight: 3, arbitrary: fc.constant("auto" as const) },
        { weight: 1, arbitrary: ref },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("revoke" as const), id: ref }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("keepAliveOnce" as const), id: ref }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("timeToLive" as const), id: ref, keys: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "leases" as const }) },
);

/** A normalised outcome: status plus the response with IDs named and headers dropped. */
export interface Outcome {
  readonly code: number;
  readonly details: string;
  readonly body: Readonly<Record<string, unknown>> | null;
}

type Callback<T> = (error: ServiceError | null, value?: T) => void;
interface LeaseStub extends Client {
  LeaseGrant(req: unknown, md: Metadata, opts: object, cb: Callback<Record<string, unknown>>): void;
  LeaseRevoke(
    req: unknown,
    md: Metadata,
    opts: object,
    cb: Callback<Record<string, unknown>>,
  ): void;
  LeaseTimeToLive(
    req: unknown,
    md: Metadata,
    opts: object,
    cb: Callback<Record<string, unknown>>,
  ): void;
  LeaseLeases(
    req: unknown,
    md: Metadata,
    opts: object,
    cb: Callback<Record<string, unknown>>,
  ): void;
  LeaseKeepAlive(md: Metadata, opts: object): ClientDuplexStream<unknown, Record<string, unknown>>;
}

const LeaseClientCtor = makeGenericClientConstructor(leaseServiceDefinition, "Lease");
const CALL_TIMEOUT_MS = 5000;

/**
 * One side of the differential test: a grpc-js client of `etcdserverpb.Lease` at `address`,
 * keeping the side's own map from real IDs to names (`L0`, `L1`… in creation order).
 */
export class LeaseSide {
  readonly name: string;
  readonly #client: LeaseStub;
  #created: bigint[] = [];
  /** Unary calls carry `hasleader: true` (etcdctl sends it only on keep-alive streams). */
  requireLeaderOnUnary = false;
  /** Deadline of every call. */
  deadlineMs = CALL_TIMEOUT_MS;

  constructor(name: string, address: string) {
    this.name = name;
    this.#client = new LeaseClientCtor(
      address,
      credentials.createInsecure(),
    ) as unknown as LeaseStub;
  }

  /** Forgets the names of the previous sequence. */
  reset(): void {
    this.#created = [];
  }

  /** The name of `id` in this sequence. */
  nameOf(id: unknown): string {
    if (typeof id !== "bigint") return `?${String(id)}`;
    const index = this.#created.indexOf(id);
    return index >= 0 ? `L${index}` : `#${id}`;
  }

  resolve(ref: LeaseRef): bigint {
    if ("literal" in ref) return ref.literal;
    if (this.#created.length === 0) return 0x7ead_beefn;
    return this.#created[ref.ref % this.#created.length] ?? 0x7ead_beefn;
  }

  /** Runs `op` and returns its normalised outcome. */
  async run(op: LeaseOp): Promise<Outcome> {
    switch (op.op) {
      case "grant": {
        const id = op.id === "auto" ? 0n : this.resolve(op.id);
        const out = await this.#unary("LeaseGrant", { TTL: op.ttl, ID: id });
        if (out.value !== undefined && op.id === "auto" && typeof out.value.ID === "bigint") {
          this.#created.push(out.value.ID);
        }
        return this.#outcome(out, (v) => ({ ID: this.nameOf(v.ID), TTL: v.TTL, error: v.error }));
      }
      case "revoke":
        return this.#outcome(
          await this.#unary("LeaseRevoke", { ID: this.resolve(op.id) }),
          () => ({}),
        );
      case "timeToLive":
        return this.#outcome(
          await this.#unary("LeaseTimeToLive", { ID: this.resolve(op.id), keys: op.keys }),
          (v) => ({
            ID: this.nameOf(v.ID),
            TTL: v.TTL,
            grantedTTL: v.grantedTTL,
            keys: Array.isArray(v.keys) ? v.keys.length : -1,
          }),
        );
      case "leases":
        return this.#outcome(await this.#unary("LeaseLeases", {}), (v) => ({
          leases: (v.leases as { ID: bigint }[]).map((l) => this.nameOf(l.ID)).sort(),
        }));
      case "keepAliveOnce":
        return this.#keepAliveOnce(this.resolve(op.id));
    }
  }

  /** Revokes every lease the server lists (a clean slate between sequences). */
  async revokeAll(): Promise<void> {
    const listed = await this.#unary("LeaseLeases", {});
    for (const lease of (listed.value?.leases as { ID: bigint }[] | undefined) ?? []) {
      await this.#unary("LeaseRevoke", { ID: lease.ID });
    }
  }

  close(): void {
    this.#client.close();
  }

  #outcome(
    out: { error?: ServiceError; value?: Record<string, unknown> },
    shape: (v: Record<string, unknown>) => Record<string, unknown>,
  ): Outcome {
    if (out.error !== undefined)
      return { code: out.error.code, details: out.error.details, body: null };
    return { code: 0, details: "", body: shape(out.value ?? {}) };
  }

  #unary(
    method: "LeaseGrant" | "LeaseRevoke" | "LeaseTimeToLive" | "LeaseLeases",
    request: unknown,
  ): Promise<{ error?: ServiceError; value?: Record<string, unknown> }> {
    return new Promise((resolve) => {
      const md = new Metadata();
      if (this.requireLeaderOnUnary) md.set("hasleader", "true");
      this.#client[method](
        request,
        md,
        { deadline: Date.now() + this.deadlineMs },
        (error, value) =>
          resolve(error === null ? (value === undefined ? {} : { value }) : { error }),
      );
    });
  }

  #keepAliveOnce(id: bigint): Promise<Outcome> {
    return new Promise((resolve) => {
      const md = new Metadata();
      md.set("hasleader", "true");
      const call = this.#client.LeaseKeepAlive(md, { deadline: Date.now() + this.deadlineMs });
      let settled = false;
      call.on("data", (v: Record<string, unknown>) => {
        if (settled) return;
        settled = true;
        resolve({ code: 0, details: "", body: { ID: this.nameOf(v.ID), TTL: v.TTL } });
        call.cancel();
      });
      call.on("error", (error: ServiceError) => {
        if (settled) return;
        settled = true;
        resolve({ code: error.code, details: error.details, body: null });
      });
      call.on("end", () => {
        if (settled) return;
        settled = true;
        resolve({ code: 0, details: "stream ended without a response", body: null });
      });
      call.write({ ID: id });
    });
  }
}

/** Renders an op for reports (bigint-safe). */
export function showOp(op: LeaseOp): string {
  return JSON.stringify(op, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}
