import type { TimerHandle } from "@dsim/core";
import type { Scheduler } from "../kernel/virtual-clock.js";
import type { LinkState, LinkUser } from "./link.js";

/** What travels on a connection: handshake, data, graceful close (fin) or abortive close (rst). */
export type SegmentKind = "syn" | "synack" | "refused" | "data" | "fin" | "rst";

/** One queued segment; `at` is its delivery time, undefined while the link is blocked. */
export interface Segment<M> {
  readonly kind: SegmentKind;
  readonly message: M | undefined;
  at: number | undefined;
  /** Runs after the segment was handed to the receiving end (the sender's delivery receipt). */
  readonly onDelivered: (() => void) | undefined;
}

/**
 * One direction of one connection: a FIFO of segments with at most one kernel timer, armed for the
 * head. Delivery time of each segment is max(previous delivery, now + link delay), so jitter and
 * retransmissions delay but never reorder. While the link is blocked nothing is scheduled; on
 * resume every stalled segment gets a fresh delay, in order.
 */
export class Pipe<M> implements LinkUser {
  /** Slots before `#head` are already delivered (cleared to undefined so they can be collected). */
  #items: Array<Segment<M> | undefined> = [];
  #head = 0;
  #lastAt = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | undefined;

  constructor(
    private readonly link: LinkState,
    private readonly scheduler: Scheduler,
    private readonly deliver: (segment: Segment<M>) => void,
  ) {}

  /** Segments not yet delivered. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Queues a segment behind everything already queued. */
  push(kind: SegmentKind, message?: M, onDelivered?: () => void): void {
    const segment: Segment<M> = { kind, message, at: undefined, onDelivered };
    if (!this.link.blocked) segment.at = this.#due();
    this.#items.push(segment);
    this.link.users.add(this);
    if (this.#timer === undefined) this.#arm();
  }

  /** Drops every queued segment (the local end closed, or a reset discarded in-flight data). */
  discard(): void {
    this.#cancel();
    this.#items = [];
    this.#head = 0;
    this.link.users.delete(this);
  }

  stall(): void {
    this.#cancel();
    for (let i = this.#head; i < this.#items.length; i++) {
      const segment = this.#items[i];
      if (segment !== undefined) segment.at = undefined;
    }
    this.#lastAt = Number.NEGATIVE_INFINITY;
  }

  resume(): void {
    for (let i = this.#head; i < this.#items.length; i++) {
      const segment = this.#items[i];
      if (segment !== undefined) segment.at = this.#due();
    }
    this.#arm();
  }

  #due(): number {
    const at = Math.max(this.#lastAt, this.scheduler.now() + this.link.segmentDelay());
    this.#lastAt = at;
    return at;
  }

  #arm(): void {
    const head = this.#items[this.#head];
    if (head?.at !== undefined) this.#timer = this.scheduler.at(head.at, this.#fire);
  }

  #cancel(): void {
    if (this.#timer !== undefined) {
      this.scheduler.cancel(this.#timer);
      this.#timer = undefined;
    }
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const segment = this.#items[this.#head];
    if (segment === undefined) return;
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
      this.link.users.delete(this);
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.deliver(segment);
    segment.onDelivered?.();
    // `deliver` may have discarded or refilled this pipe; arm only if nothing is armed yet.
    if (this.#timer === undefined) this.#arm();
  };
}
