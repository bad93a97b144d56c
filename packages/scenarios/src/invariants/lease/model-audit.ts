import { type EtcdLeaseEvent, type EtcdLeaseObserver, LeaseModel } from "@dsim/sim-server";
import type { LeaseViolation } from "./facts.js";

interface RuleState {
  readonly ttlMs: number;
  /** Latest of grant and renewals answered with a TTL. */
  lastRenewAt: number;
  /** Whether that renewal came after the last promotion (events at one instant keep their order). */
  renewedSincePromote: boolean;
}

/**
 * Watches the fake etcd during a run and holds it to the spec, from its own events:
 * - `lease.server-matches-model`: every grant, renew, TimeToLive answer and expiry equals what the
 *   executable lease model (`LeaseModel`) says for the same history;
 * - `lease.server-leader-loss-rule`: etcd's rule for leases across leader loss, stated on its own —
 *   nothing expires while no member leads (the remaining TTL is frozen), and after an election a
 *   lease lives ET + TTL from the promotion (`Promote` refreshes every lease), so a lease expires
 *   at the first expiry tick after TTL from its last renewal or ET + TTL from the last promotion,
 *   whichever came later.
 * The first violation is kept; the run reports it after the workload.
 */
export class LeaseModelAudit implements EtcdLeaseObserver {
  readonly #model: LeaseModel;
  readonly #origin: number;
  readonly #et: number;
  readonly #tick: number;
  readonly #leases = new Map<bigint, RuleState>();
  #leader = true;
  #promotedAt: number;
  /** The first broken rule, if any. */
  violation: LeaseViolation | undefined;

  /** `origin`: the cluster clock's time when the cluster was created (its ticks count from it). */
  constructor(origin: number, electionTimeoutMs: number, revokeIntervalMs: number) {
    this.#model = new LeaseModel({ electionTimeoutMs, revokeIntervalMs });
    this.#origin = origin;
    this.#et = electionTimeoutMs;
    this.#tick = revokeIntervalMs;
    this.#promotedAt = origin;
  }

  onLeaseEvent(event: EtcdLeaseEvent): void {
    if (this.violation !== undefined) return;
    const t = event.at - this.#origin;
    // A demotion at a tick instant may come before the tick: the model must not run that tick.
    this.#advance(event.kind === "demote" ? t - 1e-6 : t);
    switch (event.kind) {
      case "grant": {
        const out = this.#model.apply({ kind: "grant", id: event.id, ttl: event.ttl });
        if (!out.ok || out.ttl !== event.ttl)
          this.#mismatch(event, `granted TTL ${event.ttl}`, out);
        this.#leases.set(event.id, {
          ttlMs: event.ttl * 1000,
          lastRenewAt: event.at,
          renewedSincePromote: true,
        });
        return;
      }
      case "revoke": {
        const out = this.#model.apply({ kind: "revoke", id: event.id });
        if (!out.ok) this.#mismatch(event, "revoked a lease", out);
        this.#leases.delete(event.id);
        return;
      }
      case "renew": {
        const out = this.#model.apply({ kind: "renew", id: event.id });
        if (!out.ok || out.ttl !== event.ttl)
          this.#mismatch(event, `renewed with TTL ${event.ttl}`, out);
        const state = this.#leases.get(event.id);
        if (state !== undefined && event.ttl > 0) {
          state.lastRenewAt = event.at;
          state.renewedSincePromote = true;
        }
        return;
      }
      case "time-to-live": {
        const out = this.#model.apply({ kind: "timeToLive", id: event.id });
        if (!out.ok) return;
        // At an expiry tick the answer depends on whether the tick ran first: 0 or −1 both hold.
        const atTick =
          t % this.#tick === 0 && out.ttl !== undefined && out.ttl <= 0 && event.ttl <= 0;
        const same =
          out.ttl === event.ttl && (event.ttl < 0 || out.grantedTTL === event.grantedTTL);
        if (!same && !atTick) {
          this.#mismatch(
            event,
            `answered TimeToLive ${event.ttl} (granted ${event.grantedTTL})`,
            out,
          );
        }
        return;
      }
      case "expire":
        this.#checkExpiry(event.id, event.at);
        if (this.#model.ids().includes(event.id)) {
          this.#mismatch(event, "expired a lease the model still holds", { ok: true });
        }
        this.#leases.delete(event.id);
        return;
      case "demote":
        this.#leader = false;
        this.#model.apply({ kind: "demote" });
        return;
      case "promote":
        this.#leader = true;
        this.#promotedAt = event.at;
        for (const state of this.#leases.values()) state.renewedSincePromote = false;
        this.#model.apply({ kind: "promote" });
        return;
    }
  }

  /** At the end of a run: the server holds exactly the leases the model holds. */
  finish(at: number, serverHas: (id: bigint) => boolean): LeaseViolation | undefined {
    if (this.violation !== undefined) return this.violation;
    this.#advance(at - this.#origin);
    for (const id of this.#model.ids()) {
      if (!serverHas(id))
        return this.#fail(
          "lease.server-matches-model",
          `the server lost lease ${id} that the model still holds at ${at} ms`,
          id,
          at,
        );
    }
    for (const id of this.#leases.keys()) {
      if (serverHas(id) && !this.#model.ids().includes(id)) {
        return this.#fail(
          "lease.server-matches-model",
          `the server still holds lease ${id} that the model expired by ${at} ms`,
          id,
          at,
        );
      }
    }
    return undefined;
  }

  #advance(t: number): void {
    const ms = t - this.#model.now;
    if (ms > 0) this.#model.apply({ kind: "advance", ms });
  }

  #checkExpiry(id: bigint, at: number): void {
    const state = this.#leases.get(id);
    if (state === undefined) return;
    if (!this.#leader) {
      this.#fail(
        "lease.server-leader-loss-rule",
        `lease ${id} expired at ${at} ms while no member led (its TTL must be frozen)`,
        id,
        at,
      );
      return;
    }
    // Whichever came last sets the expiry: a renewal (now + TTL) or the promotion (now + ET + TTL).
    const due = state.renewedSincePromote
      ? state.lastRenewAt + state.ttlMs
      : this.#promotedAt + this.#et + state.ttlMs;
    if (at < due || at > due + this.#tick) {
      this.#fail(
        "lease.server-leader-loss-rule",
        `lease ${id} expired at ${at} ms; its last renewal (${state.lastRenewAt} ms) and the last election (${this.#promotedAt} ms) put its expiry at ${due} ms`,
        id,
        at,
      );
    }
  }

  #mismatch(event: EtcdLeaseEvent, what: string, model: unknown): void {
    const id = "id" in event ? event.id : 0n;
    this.#fail(
      "lease.server-matches-model",
      `the fake etcd ${what} for lease ${id} at ${event.at} ms; the model says ${JSON.stringify(model, (_, v) => (typeof v === "bigint" ? `${v}` : v))}`,
      id,
      event.at,
    );
  }

  #fail(invariant: string, message: string, id: bigint, at: number): LeaseViolation {
    this.violation ??= { invariant, message, details: { id, at } };
    return this.violation;
  }
}
