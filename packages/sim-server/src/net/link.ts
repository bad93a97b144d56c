import type { SeededRandom } from "../kernel/contracts.js";
import type { LinkConfig } from "./contracts.js";

/** Default link: 1 ms one way, no jitter, no loss. */
export const DEFAULT_LINK: LinkConfig = Object.freeze({ latencyMs: 1, jitterMs: 0, loss: 0 });

/** Extra delay a lost connection segment costs: one retransmission timeout, like TCP's 200 ms floor. */
export const RETRANSMIT_TIMEOUT_MS = 200;

/** Retransmissions after which a segment is delivered anyway (keeps `loss` close to 1 finite). */
const MAX_RETRANSMITS = 64;

/** Validates a partial link config and merges it over `base`. */
export function mergeLinkConfig(base: LinkConfig, patch: Partial<LinkConfig>): LinkConfig {
  if (typeof patch !== "object" || patch === null) {
    throw new TypeError("setLink(a, b, config) needs a config object");
  }
  const check = (name: keyof LinkConfig, ok: (v: number) => boolean, rule: string): void => {
    const value = patch[name];
    if (value !== undefined && (typeof value !== "number" || !ok(value))) {
      throw new RangeError(`link ${name} must be ${rule}, received ${String(value)}`);
    }
  };
  check("latencyMs", (v) => Number.isFinite(v) && v >= 0, "a finite number >= 0");
  check("jitterMs", (v) => Number.isFinite(v) && v >= 0, "a finite number >= 0");
  check("loss", (v) => v >= 0 && v < 1, "a probability in [0, 1)");
  return {
    latencyMs: patch.latencyMs ?? base.latencyMs,
    jitterMs: patch.jitterMs ?? base.jitterMs,
    loss: patch.loss ?? base.loss,
  };
}

/** Something queued on a link that must stall while the link is blocked and resume after. */
export interface LinkUser {
  /** The link became blocked: stop delivering, keep everything in order. */
  stall(): void;
  /** The link is open again: deliver what stalled, in order. */
  resume(): void;
}

/**
 * One direction of the link between two hosts: its config, whether it is partitioned or held,
 * its own random stream (so traffic on one link never shifts another link's draws), and the users
 * (connection pipes, held datagrams) that must stall and resume with it.
 */
export class LinkState {
  config: LinkConfig = DEFAULT_LINK;
  partitioned = false;
  held = false;
  readonly users = new Set<LinkUser>();

  constructor(
    readonly from: string,
    readonly to: string,
    readonly random: SeededRandom,
  ) {}

  /** True while partitioned or held. */
  get blocked(): boolean {
    return this.partitioned || this.held;
  }

  /** One-way delay of a datagram: latency plus jitter (draws only when jitter is configured). */
  datagramDelay(): number {
    const { latencyMs, jitterMs } = this.config;
    return jitterMs > 0 ? latencyMs + this.random.between(0, jitterMs) : latencyMs;
  }

  /** True when a datagram is lost (draws only when loss is configured). */
  datagramLost(): boolean {
    return this.config.loss > 0 && this.random.chance(this.config.loss);
  }

  /**
   * One-way delay of a connection segment: latency, jitter, and one retransmission timeout per
   * simulated loss (a reliable stream turns loss into delay, never into a gap).
   */
  segmentDelay(): number {
    let delay = this.datagramDelay();
    if (this.config.loss > 0) {
      for (let i = 0; i < MAX_RETRANSMITS && this.random.chance(this.config.loss); i++) {
        delay += RETRANSMIT_TIMEOUT_MS;
      }
    }
    return delay;
  }

  /** Applies a blocked/unblocked transition to every user. */
  update(wasBlocked: boolean): void {
    if (wasBlocked === this.blocked) return;
    for (const user of [...this.users]) {
      if (this.blocked) user.stall();
      else user.resume();
    }
  }
}
