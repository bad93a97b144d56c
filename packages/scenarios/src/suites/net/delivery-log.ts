import type { TraceValue } from "@dsim/sim-server";
import type { LinkModel } from "./link-model.js";
import type { Direction, NetConnection } from "./net-case.js";

/** The payload the workload sends: which connection, which direction, which sequence number. */
export interface NetMessage {
  readonly conn: number;
  readonly dir: Direction;
  readonly seq: number;
}

/** One broken invariant observed while the world ran. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
  readonly details: { readonly [key: string]: TraceValue };
}

interface Stream {
  sent: number;
  received: number;
}

/**
 * Everything the workload sent and received, checked as it happens. Handlers run inside kernel
 * timers, where throwing would blame the kernel; they record a {@link Violation} instead and the
 * suite throws the first one after the phase.
 */
export class DeliveryLog {
  readonly violations: Violation[] = [];
  readonly #streams = new Map<string, Stream>();
  readonly #connections: readonly NetConnection[];
  readonly #model: LinkModel;
  readonly #now: () => number;

  constructor(connections: readonly NetConnection[], model: LinkModel, now: () => number) {
    this.#connections = connections;
    this.#model = model;
    this.#now = now;
  }

  /** Allocates the next sequence number of a stream and counts it as sent. */
  nextSend(conn: number, dir: Direction): NetMessage {
    const stream = this.#stream(conn, dir);
    const message = { conn, dir, seq: stream.sent };
    stream.sent += 1;
    return message;
  }

  /** Checks and records a message that arrived on connection `conn` travelling in `dir`. */
  receive(conn: number, dir: Direction, message: NetMessage): void {
    const stream = this.#stream(conn, dir);
    const at = this.#now();
    if (message.conn !== conn || message.dir !== dir) {
      this.#violate("net.in-order-exactly-once", "a message arrived on the wrong stream", {
        conn,
        dir,
        messageConn: message.conn,
        messageDir: message.dir,
        seq: message.seq,
        at,
      });
    } else if (message.seq !== stream.received) {
      this.#violate(
        "net.in-order-exactly-once",
        `connection ${conn} ${dir}: expected seq ${stream.received}, got ${message.seq}`,
        { conn, dir, expected: stream.received, got: message.seq, at },
      );
    }
    const { from, to } = this.#endpoints(conn, dir);
    const block = this.#model.blockedBy(from, to);
    if (block !== undefined) {
      this.#violate(
        "net.no-delivery-while-blocked",
        `connection ${conn}: seq ${message.seq} arrived ${from}->${to} at ${at}ms during a ${block}`,
        { conn, dir, seq: message.seq, from, to, block, at },
      );
    }
    stream.received = Math.max(stream.received, message.seq + 1);
  }

  /** True when every stream received exactly what was sent. */
  allDelivered(): boolean {
    for (const stream of this.#streams.values()) {
      if (stream.received !== stream.sent) return false;
    }
    return true;
  }

  /** Streams still missing messages, for the liveness report. */
  missing(): { readonly [key: string]: TraceValue } {
    const out: { [key: string]: TraceValue } = {};
    for (const [key, stream] of this.#streams) {
      if (stream.received !== stream.sent) {
        out[key] = { sent: stream.sent, received: stream.received };
      }
    }
    return out;
  }

  /** Total messages sent. */
  totalSent(): number {
    let total = 0;
    for (const stream of this.#streams.values()) total += stream.sent;
    return total;
  }

  /** Records a violation found outside message delivery. */
  violate(
    invariant: string,
    message: string,
    details: { readonly [key: string]: TraceValue },
  ): void {
    this.#violate(invariant, message, details);
  }

  #violate(
    invariant: string,
    message: string,
    details: { readonly [key: string]: TraceValue },
  ): void {
    this.violations.push({ invariant, message, details });
  }

  #endpoints(conn: number, dir: Direction): { from: string; to: string } {
    const connection = this.#connections[conn];
    if (connection === undefined) return { from: "?", to: "?" };
    return dir === "c2s"
      ? { from: connection.client, to: connection.server }
      : { from: connection.server, to: connection.client };
  }

  #stream(conn: number, dir: Direction): Stream {
    const key = `${conn}:${dir}`;
    let stream = this.#streams.get(key);
    if (stream === undefined) {
      stream = { sent: 0, received: 0 };
      this.#streams.set(key, stream);
    }
    return stream;
  }
}
