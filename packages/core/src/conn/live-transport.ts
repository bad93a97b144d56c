import type { Logger } from "../log/logger.js";
import type { Clock, TimerHandle } from "../time/clock.js";
import { type TimeoutSignal, timeoutSignal } from "../time/timeout-signal.js";
import type { ResolvedKeepalive } from "./keepalive.js";
import type {
  ClientTransport,
  Http2ErrorCodeValue,
  OpenStreamOptions,
  TransportListener,
  TransportStream,
} from "./transport.js";

/** What a {@link LiveTransport} reports to the subchannel that created it. */
export interface LiveTransportEvents {
  onGoaway(
    live: LiveTransport,
    lastStreamId: number,
    code: Http2ErrorCodeValue,
    debug: string,
  ): void;
  onClose(live: LiveTransport, error: Error | undefined): void;
}

/** Construction parameters of a {@link LiveTransport}. */
export interface LiveTransportInit {
  readonly generation: number;
  readonly address: string;
  readonly clock: Clock;
  readonly logger: Logger | undefined;
  /** Keepalive for this connection, with the channel's interval at creation time. */
  readonly keepalive: ResolvedKeepalive | undefined;
  readonly events: LiveTransportEvents;
}

/**
 * One connection attempt and, once the dial resolved, its transport: the generation token, the
 * stream count, the draining flag and the keepalive pinger. Every event of the transport passes
 * through here tagged with this object, so the subchannel can tell a stale transport's late events
 * from its current one's by identity.
 *
 * @internal
 */
export class LiveTransport {
  /** Increases with every attempt of a subchannel; identifies this connection in logs. */
  readonly generation: number;
  /** The dialed address. */
  readonly address: string;
  /** The listener handed to the dialer. */
  readonly listener: TransportListener;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #keepalive: ResolvedKeepalive | undefined;
  readonly #events: LiveTransportEvents;
  #transport: ClientTransport | undefined;
  #streams = 0;
  #draining = false;
  #closed = false;
  #lastActivity = 0;
  #keepaliveTimer: TimerHandle | undefined;
  #ping: TimeoutSignal | undefined;

  constructor(init: LiveTransportInit) {
    this.generation = init.generation;
    this.address = init.address;
    this.#clock = init.clock;
    this.#logger = init.logger;
    this.#keepalive = init.keepalive;
    this.#events = init.events;
    this.listener = {
      onGoaway: (lastStreamId, code, debug) => this.#onGoaway(lastStreamId, code, debug),
      onClose: (error) => this.#onClose(error),
    };
  }

  /** The transport, once the dial resolved. */
  get transport(): ClientTransport | undefined {
    return this.#transport;
  }

  /** Streams opened through {@link openStream} that have not ended. */
  get streams(): number {
    return this.#streams;
  }

  /** True once GOAWAY arrived, the owner drained it, or it closed: no new stream may use it. */
  get draining(): boolean {
    return this.#draining || this.#closed || this.#transport?.draining === true;
  }

  /** True once the transport reported its close (or was never attached and was discarded). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Binds the transport the dial resolved with and starts keepalive. */
  attach(transport: ClientTransport): void {
    this.#transport = transport;
    this.#lastActivity = this.#clock.now();
    this.#armKeepalive(this.#keepalive?.timeMs ?? 0);
  }

  /**
   * Stops new streams on this transport; it closes as soon as its last stream ends. Used on
   * GOAWAY, address removal and idleness.
   */
  drain(): void {
    this.#draining = true;
    this.#stopKeepalive();
    if (this.#streams === 0) this.close();
  }

  /** Closes the connection now. Idempotent. */
  close(): void {
    this.#stopKeepalive();
    this.#transport?.close();
  }

  /**
   * Opens a stream, counting it so that a draining transport closes after its last stream.
   *
   * @throws Error when the transport is draining or closed (nothing was sent).
   */
  openStream(options: OpenStreamOptions): TransportStream {
    const transport = this.#transport;
    if (transport === undefined || this.#closed || this.draining) {
      throw new Error(`transport to ${this.address} is draining or closed`);
    }
    const { listener } = options;
    let ended = false;
    const stream = transport.openStream({
      method: options.method,
      metadata: options.metadata,
      listener: {
        onHeaders: (metadata) => {
          this.#lastActivity = this.#clock.now();
          listener.onHeaders(metadata);
        },
        onMessage: (message) => {
          this.#lastActivity = this.#clock.now();
          listener.onMessage(message);
        },
        onEnd: (end) => {
          if (!ended) {
            ended = true;
            this.#streams -= 1;
            if (this.#draining && this.#streams === 0) this.close();
          }
          listener.onEnd(end);
        },
      },
    });
    this.#streams += 1;
    // A dormant pinger (no calls and no permit) wakes up with the first stream.
    if (this.#keepaliveTimer === undefined && this.#ping === undefined && !this.draining) {
      this.#armKeepalive(this.#keepalive?.timeMs ?? 0);
    }
    return stream;
  }

  #onGoaway(lastStreamId: number, code: Http2ErrorCodeValue, debug: string): void {
    if (this.#closed) return;
    this.#draining = true;
    this.#stopKeepalive();
    this.#events.onGoaway(this, lastStreamId, code, debug);
    if (this.#streams === 0) this.close();
  }

  #onClose(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopKeepalive();
    this.#events.onClose(this, error);
  }

  #armKeepalive(delayMs: number): void {
    const keepalive = this.#keepalive;
    if (keepalive === undefined || this.#closed || this.#draining) return;
    if (!keepalive.permitWithoutCalls && this.#streams === 0) return;
    this.#keepaliveTimer = this.#clock.setTimeout(() => {
      this.#keepaliveTimer = undefined;
      this.#onKeepaliveTimer(keepalive);
    }, delayMs);
  }

  #onKeepaliveTimer(keepalive: ResolvedKeepalive): void {
    const transport = this.#transport;
    if (transport === undefined || this.#closed || this.#draining) return;
    const idleFor = this.#clock.now() - this.#lastActivity;
    // Something was read since the timer was set: the connection is alive, wait again.
    if (idleFor < keepalive.timeMs) {
      this.#armKeepalive(keepalive.timeMs - idleFor);
      return;
    }
    if (!keepalive.permitWithoutCalls && this.#streams === 0) return;
    const ping = timeoutSignal(this.#clock, keepalive.timeoutMs);
    this.#ping = ping;
    transport.ping(ping.signal).then(
      () => {
        ping.clear();
        if (this.#ping !== ping) return;
        this.#ping = undefined;
        this.#lastActivity = this.#clock.now();
        this.#armKeepalive(keepalive.timeMs);
      },
      (error: unknown) => {
        ping.clear();
        if (this.#ping !== ping) return;
        this.#ping = undefined;
        if (this.#closed) return;
        this.#logger?.log("warn", "keepalive ping failed, closing connection", {
          address: this.address,
          generation: this.generation,
          error: String(error),
        });
        transport.close();
      },
    );
  }

  #stopKeepalive(): void {
    if (this.#keepaliveTimer !== undefined) {
      this.#clock.clearTimeout(this.#keepaliveTimer);
      this.#keepaliveTimer = undefined;
    }
    if (this.#ping !== undefined) {
      this.#ping.clear();
      this.#ping = undefined;
    }
  }
}
