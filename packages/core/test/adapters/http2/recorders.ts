import type { Metadata } from "../../../src/conn/metadata.js";
import type { StreamEnd, StreamListener, TransportListener } from "../../../src/conn/transport.js";

/** Records a transport's events; `closed` resolves on `onClose`. */
export class TransportRecorder implements TransportListener {
  readonly goaways: { lastStreamId: number; code: number; debug: string }[] = [];
  readonly closes: (Error | undefined)[] = [];
  readonly closed: Promise<Error | undefined>;
  #resolveClosed: (error: Error | undefined) => void = () => {};
  #goawayWaiters: (() => void)[] = [];

  constructor() {
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  onGoaway(lastStreamId: number, code: number, debug: string): void {
    this.goaways.push({ lastStreamId, code, debug });
    for (const wake of this.#goawayWaiters.splice(0)) wake();
  }

  onClose(error: Error | undefined): void {
    this.closes.push(error);
    this.#resolveClosed(error);
  }

  /** Resolves once `n` GOAWAYs were reported. */
  async waitForGoaways(n: number): Promise<void> {
    while (this.goaways.length < n) {
      await new Promise<void>((resolve) => this.#goawayWaiters.push(resolve));
    }
  }
}

/** Records a stream's events; `ended` resolves with the end. */
export class StreamRecorder implements StreamListener {
  readonly headers: Metadata[] = [];
  readonly messages: Uint8Array[] = [];
  readonly ends: StreamEnd[] = [];
  readonly ended: Promise<StreamEnd>;
  /** Events after the end (must stay empty). */
  lateEvents = 0;
  #resolveEnded: (end: StreamEnd) => void = () => {};

  constructor() {
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  onHeaders(metadata: Metadata): void {
    if (this.ends.length > 0) this.lateEvents += 1;
    this.headers.push(metadata);
  }

  onMessage(message: Uint8Array): void {
    if (this.ends.length > 0) this.lateEvents += 1;
    this.messages.push(message);
  }

  onEnd(end: StreamEnd): void {
    if (this.ends.length > 0) this.lateEvents += 1;
    this.ends.push(end);
    this.#resolveEnded(end);
  }
}

/** UTF-8 helpers. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
