import type { CloseReason, ConnectionHandlers, VirtualConnection } from "./contracts.js";

/** Lifecycle of one end: `connecting` (client before the handshake), `idle` (server before SYN). */
export type EndpointState = "connecting" | "idle" | "open" | "closed";

/** What an endpoint asks of its network. */
export interface EndpointHooks<M> {
  send(end: Endpoint<M>, message: M, onDelivered: (() => void) | undefined): void;
  close(end: Endpoint<M>): void;
  reset(end: Endpoint<M>): void;
  /** Runs `callback` on the next step at the current instant. */
  soon(callback: () => void): void;
}

type InboxEntry<M> =
  | { readonly type: "message"; readonly message: M }
  | { readonly type: "close"; readonly reason: CloseReason };

/** One end of a virtual connection. Events arriving before `setHandlers` wait in an inbox. */
export class Endpoint<M> implements VirtualConnection<M> {
  /** Internal lifecycle state; `open` is the public view of it. */
  state: EndpointState;
  #handlers: ConnectionHandlers<M> | undefined;
  #inbox: InboxEntry<M>[] = [];
  #flushScheduled = false;

  constructor(
    readonly id: number,
    readonly localHost: string,
    readonly remoteHost: string,
    readonly address: string,
    state: EndpointState,
    private readonly hooks: EndpointHooks<M>,
  ) {
    this.state = state;
  }

  get open(): boolean {
    return this.state === "open";
  }

  setHandlers(handlers: ConnectionHandlers<M>): void {
    if (
      typeof handlers !== "object" ||
      handlers === null ||
      typeof handlers.onMessage !== "function" ||
      typeof handlers.onClose !== "function"
    ) {
      throw new TypeError("setHandlers needs { onMessage, onClose } functions");
    }
    this.#handlers = handlers;
    if (this.#inbox.length > 0 && !this.#flushScheduled) {
      this.#flushScheduled = true;
      this.hooks.soon(this.#flush);
    }
  }

  send(message: M, onDelivered?: () => void): boolean {
    if (this.state !== "open") return false;
    this.hooks.send(this, message, onDelivered);
    return true;
  }

  close(): void {
    if (this.state === "open") this.hooks.close(this);
  }

  reset(): void {
    if (this.state === "open") this.hooks.reset(this);
  }

  /** Hands a message to the handlers (or the inbox, keeping order). */
  dispatchMessage(message: M): void {
    const handlers = this.#handlers;
    if (handlers === undefined || this.#inbox.length > 0)
      this.#inbox.push({ type: "message", message });
    else handlers.onMessage(message);
  }

  /** Hands the close event to the handlers (or the inbox, keeping order). */
  dispatchClose(reason: CloseReason): void {
    const handlers = this.#handlers;
    if (handlers === undefined || this.#inbox.length > 0)
      this.#inbox.push({ type: "close", reason });
    else handlers.onClose(reason);
  }

  /** Drops undelivered inbox entries (the network was closed). */
  dropInbox(): void {
    this.#inbox = [];
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    // Shift one at a time: an event dispatched meanwhile must queue behind the rest.
    for (;;) {
      const handlers = this.#handlers;
      const entry = this.#inbox[0];
      if (handlers === undefined || entry === undefined) return;
      this.#inbox.shift();
      if (entry.type === "message") handlers.onMessage(entry.message);
      else handlers.onClose(entry.reason);
    }
  };
}
