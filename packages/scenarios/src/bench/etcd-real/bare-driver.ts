/**
 * The floor of the real-etcd benchmark: the least code that keeps leases alive over node:http2 —
 * one gRPC stream, requests encoded once per lease, each tick's due requests in one write, a
 * response matched by its ID's bytes, nothing else (no deadlines, no subscriptions, no error
 * handling beyond failing the run). What a keep-alive costs here is what node:http2, the kernel and
 * the server's answering pattern cost; a client's figure above it is the client's own work.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
} from "node:http2";
import { type DriverCounters, type LeaseDriver, mapLimit } from "./driver.js";

/** Concurrent grants/revokes, as the other drivers. */
const CONCURRENCY = 64;
/** The send loop's period, as clientv3's and core's lessors: every due lease goes out per tick. */
const TICK_MS = 500;
const LEASE = "/etcdserverpb.Lease";

/** A protobuf varint of a non-negative int64. */
function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

/** The 5-byte gRPC message prefix (uncompressed) followed by `message`. */
function grpcFrame(message: Buffer): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

/** Reads a varint at `offset` as a number (only small fields: TTLs, lengths); returns [value, end]. */
function readSmallVarint(bytes: Buffer, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  let at = offset;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new RangeError("truncated varint");
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}

/** Where a varint starting at `offset` ends. */
function varintEnd(bytes: Buffer, offset: number): number {
  let at = offset;
  while ((bytes[at] ?? 0) >= 0x80) at += 1;
  return at + 1;
}

/**
 * The ID (as the bytes of its varint, a map key) and TTL of a `LeaseKeepAliveResponse` or
 * `LeaseGrantResponse` (header = 1, ID = 2, TTL = 3; anything else skipped).
 */
function idAndTtl(message: Buffer): { idKey: string; ttl: number } {
  let at = 0;
  let idKey = "";
  let ttl = 0;
  while (at < message.length) {
    const [tag, afterTag] = readSmallVarint(message, at);
    at = afterTag;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 2) {
      const [length, afterLength] = readSmallVarint(message, at);
      at = afterLength + length;
    } else if (wire === 0) {
      const end = varintEnd(message, at);
      if (field === 2) idKey = message.toString("latin1", at, end);
      else if (field === 3) ttl = readSmallVarint(message, at)[0];
      at = end;
    } else {
      throw new RangeError(`unexpected wire type ${wire}`);
    }
  }
  return { idKey, ttl };
}

/** The lease ID a varint's bytes (an `idKey`) encode, as etcd's decimal string. */
function idOf(idKey: string): string {
  let id = 0n;
  for (let i = idKey.length - 1; i >= 0; i--) id = (id << 7n) | BigInt(idKey.charCodeAt(i) & 0x7f);
  return String(id);
}

/** Splits a byte stream into gRPC messages. */
class MessageReader {
  #pending: Buffer = Buffer.alloc(0);

  /** Feeds `chunk` and calls `onMessage` for every complete message. */
  feed(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    let bytes = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (bytes.length >= 5) {
      const length = bytes.readUInt32BE(1);
      if (bytes.length < 5 + length) break;
      onMessage(bytes.subarray(5, 5 + length));
      bytes = bytes.subarray(5 + length);
    }
    this.#pending = bytes;
  }
}

/** One kept lease. */
interface BareLease {
  readonly request: Buffer;
  ttlMs: number;
  nextSendAt: number;
  seen: boolean;
}

/** See the module comment. Talks to the first address only (the benchmark pins one member). */
export class BareHttp2Driver implements LeaseDriver {
  readonly #session: ClientHttp2Session;
  readonly #leases = new Map<string, BareLease>();
  #stream: ClientHttp2Stream | undefined;
  #tick: NodeJS.Timeout | undefined;
  #responses = 0;
  #closed = false;

  constructor(addresses: readonly string[]) {
    const [address] = addresses;
    if (address === undefined) throw new RangeError("no etcd address");
    this.#session = connect(`http://${address}`);
    this.#session.on("error", (error) => {
      if (!this.#closed) throw error;
    });
  }

  async establish(leases: number, ttlS: number): Promise<string[]> {
    const granted = await mapLimit(
      Array.from({ length: leases }, (_, i) => i),
      CONCURRENCY,
      () => this.#unary("LeaseGrant", Buffer.concat([Buffer.from([0x08]), varint(BigInt(ttlS))])),
    );
    let waiting = leases;
    let release: () => void = () => {};
    const allSeen = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stream = this.#session.request({
      ":method": "POST",
      ":path": `${LEASE}/LeaseKeepAlive`,
      "content-type": "application/grpc",
      te: "trailers",
    });
    this.#stream = stream;
    const reader = new MessageReader();
    stream.on("data", (chunk: Buffer) => {
      reader.feed(chunk, (message) => {
        const { idKey, ttl } = idAndTtl(message);
        const lease = this.#leases.get(idKey);
        if (lease === undefined) return;
        this.#responses += 1;
        lease.ttlMs = ttl * 1000;
        lease.nextSendAt = performance.now() + lease.ttlMs / 3;
        if (!lease.seen) {
          lease.seen = true;
          waiting -= 1;
          if (waiting === 0) release();
        }
      });
    });
    stream.on("error", (error) => {
      if (!this.#closed) throw error;
    });
    const ids: string[] = [];
    for (const message of granted) {
      const { idKey, ttl } = idAndTtl(message);
      ids.push(idOf(idKey));
      const request = grpcFrame(Buffer.concat([Buffer.from([0x08]), Buffer.from(idKey, "latin1")]));
      this.#leases.set(idKey, { request, ttlMs: ttl * 1000, nextSendAt: 0, seen: false });
    }
    this.#sendDue();
    this.#tick = setInterval(() => this.#sendDue(), TICK_MS);
    await allSeen;
    return ids;
  }

  counters(): DriverCounters {
    return { responses: this.#responses, streams: 1, lost: 0 };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    this.#stream?.close(constants.NGHTTP2_CANCEL);
    const ids = [...this.#leases.keys()];
    await mapLimit(ids, CONCURRENCY, (idKey) =>
      this.#unary(
        "LeaseRevoke",
        Buffer.concat([Buffer.from([0x08]), Buffer.from(idKey, "latin1")]),
      ),
    );
    await new Promise<void>((resolve) => this.#session.close(resolve));
  }

  /** Sends every due lease in one write; a sent lease waits a whole TTL/3 for its next turn. */
  #sendDue(): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    const now = performance.now();
    const due: Buffer[] = [];
    for (const lease of this.#leases.values()) {
      if (lease.nextSendAt > now) continue;
      due.push(lease.request);
      lease.nextSendAt = now + lease.ttlMs / 3;
    }
    if (due.length > 0) stream.write(Buffer.concat(due));
  }

  /** One unary Lease call; resolves with the response message. */
  #unary(method: string, message: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const call = this.#session.request({
        ":method": "POST",
        ":path": `${LEASE}/${method}`,
        "content-type": "application/grpc",
        te: "trailers",
      });
      const reader = new MessageReader();
      let response: Buffer | undefined;
      call.on("data", (chunk: Buffer) => {
        reader.feed(chunk, (decoded) => {
          response = Buffer.from(decoded);
        });
      });
      call.on("trailers", (trailers: IncomingHttpHeaders) => {
        const status = trailers["grpc-status"];
        if (status !== "0") reject(new Error(`${method}: grpc-status ${String(status)}`));
      });
      call.on("end", () => {
        if (response === undefined) reject(new Error(`${method}: no response message`));
        else resolve(response);
      });
      call.on("error", reject);
      call.end(grpcFrame(message));
    });
  }
}
