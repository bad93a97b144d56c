import type { NetAction } from "./net-case.js";

/** What blocks a direction: a partition or a hold. */
export type Block = "partition" | "hold";

/**
 * The workload's own model of which directions its fault plan has blocked, updated in the same
 * callback that calls the network. Invariants compare deliveries against this model, so they judge
 * the network from the outside, by what was asked of it.
 */
export class LinkModel {
  readonly #blocked = new Map<string, Block>();

  /** Applies a fault action (sends are ignored). */
  apply(action: NetAction): void {
    switch (action.kind) {
      case "partition":
        this.#blocked.set(key(action.a, action.b), "partition");
        if (!action.oneWay) this.#blocked.set(key(action.b, action.a), "partition");
        return;
      case "heal":
        this.#unblock(action.a, action.b, "partition");
        this.#unblock(action.b, action.a, "partition");
        return;
      case "hold":
        this.#blocked.set(key(action.a, action.b), "hold");
        return;
      case "release":
        this.#unblock(action.a, action.b, "hold");
        return;
      case "send":
        return;
    }
  }

  /** What currently blocks traffic from `from` to `to`, if anything. */
  blockedBy(from: string, to: string): Block | undefined {
    return this.#blocked.get(key(from, to));
  }

  #unblock(from: string, to: string, block: Block): void {
    if (this.#blocked.get(key(from, to)) === block) this.#blocked.delete(key(from, to));
  }
}

function key(from: string, to: string): string {
  return `${from}>${to}`;
}
