import type { LinkState, LinkUser } from "./link.js";

/**
 * Datagrams held on one link direction by `hold(a, b)`. On release they are sent again in their
 * original order: each one's delivery is not before the previous one's.
 */
export class DatagramHold implements LinkUser {
  #held: unknown[] = [];

  constructor(
    private readonly link: LinkState,
    private readonly send: (message: unknown, notBefore: number) => number,
  ) {}

  push(message: unknown): void {
    this.#held.push(message);
    this.link.users.add(this);
  }

  stall(): void {}

  resume(): void {
    if (this.link.partitioned) return;
    const held = this.#held;
    this.clear();
    let notBefore = Number.NEGATIVE_INFINITY;
    for (const message of held) notBefore = this.send(message, notBefore);
  }

  clear(): void {
    this.#held = [];
    this.link.users.delete(this);
  }
}
