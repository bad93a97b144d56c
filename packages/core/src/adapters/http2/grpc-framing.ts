import { AdapterError } from "../adapter-error.js";

/** Size of the gRPC message prefix: 1 byte compressed flag + 4 bytes big-endian length. */
export const GRPC_PREFIX_BYTES = 5;

/** gRPC's default limit for a received message (grpc-go, grpc-js): 4 MiB. */
export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Frames one message for the wire (gRPC "Length-Prefixed-Message", never compressed: this client
 * does not send `grpc-encoding`).
 */
export function encodeGrpcMessage(message: Uint8Array): Uint8Array {
  const framed = new Uint8Array(GRPC_PREFIX_BYTES + message.byteLength);
  writePrefix(framed, 0, message.byteLength);
  framed.set(message, GRPC_PREFIX_BYTES);
  return framed;
}

/**
 * Frames several messages into one buffer, in order: the messages of a stream are one byte
 * stream, so a batch goes out as one write (and as few DATA frames as flow control allows).
 */
export function encodeGrpcMessages(messages: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const message of messages) total += GRPC_PREFIX_BYTES + message.byteLength;
  const framed = new Uint8Array(total);
  let offset = 0;
  for (const message of messages) {
    writePrefix(framed, offset, message.byteLength);
    framed.set(message, offset + GRPC_PREFIX_BYTES);
    offset += GRPC_PREFIX_BYTES + message.byteLength;
  }
  return framed;
}

/** Flag 0 (not compressed) and the big-endian length, at `offset`. */
function writePrefix(out: Uint8Array, offset: number, length: number): void {
  out[offset] = 0;
  out[offset + 1] = length >>> 24;
  out[offset + 2] = (length >>> 16) & 0xff;
  out[offset + 3] = (length >>> 8) & 0xff;
  out[offset + 4] = length & 0xff;
}

/**
 * Reassembles gRPC messages from DATA chunks, which may split a message (or its prefix) anywhere
 * and may carry several messages at once.
 */
export class GrpcMessageDecoder {
  readonly #maxMessageBytes: number;
  readonly #chunks: Uint8Array[] = [];
  /** Bytes of `#chunks[0]` already consumed. */
  #head = 0;
  #buffered = 0;

  /**
   * @param maxMessageBytes - larger messages fail with `PROTOCOL_ERROR` (the caller maps it to
   *   RESOURCE_EXHAUSTED) before their bytes are buffered.
   * @throws RangeError when `maxMessageBytes` is not a non-negative safe integer.
   */
  constructor(maxMessageBytes = DEFAULT_MAX_RECEIVE_MESSAGE_BYTES) {
    if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 0) {
      throw new RangeError(
        `maxMessageBytes must be a non-negative safe integer, got ${String(maxMessageBytes)}`,
      );
    }
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** Bytes received but not yet returned as a whole message. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Adds one chunk and returns every message it completed, in order.
   *
   * @throws AdapterError `PROTOCOL_ERROR` for a compressed or oversized message; the decoder is
   *   unusable afterwards (the stream must be cancelled).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    this.append(chunk);
    const messages: Uint8Array[] = [];
    for (let message = this.next(); message !== undefined; message = this.next()) {
      messages.push(message);
    }
    return messages;
  }

  /** Adds one chunk; take the messages it completed with {@link GrpcMessageDecoder.next}. */
  append(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.byteLength;
  }

  /**
   * The next whole message (a view on the received bytes when it lies in one chunk), or
   * `undefined` until more bytes arrive. In the common case of whole messages per chunk, which is
   * every keep-alive response, the view is the only allocation.
   *
   * @throws AdapterError `PROTOCOL_ERROR` for a compressed or oversized message; the decoder is
   *   unusable afterwards (the stream must be cancelled).
   */
  next(): Uint8Array | undefined {
    if (this.#buffered < GRPC_PREFIX_BYTES) return undefined;
    let first = this.#chunks[0] as Uint8Array;
    let at = this.#head;
    if (first.byteLength - at < GRPC_PREFIX_BYTES) {
      first = this.#copyFront(GRPC_PREFIX_BYTES);
      at = 0;
    }
    const flag = first[at] as number;
    const length =
      (((first[at + 1] as number) << 24) |
        ((first[at + 2] as number) << 16) |
        ((first[at + 3] as number) << 8) |
        (first[at + 4] as number)) >>>
      0;
    if (flag !== 0) {
      throw new AdapterError(
        "PROTOCOL_ERROR",
        `received a message with compressed flag ${flag}, but no compression was negotiated`,
      );
    }
    if (length > this.#maxMessageBytes) {
      throw new AdapterError(
        "PROTOCOL_ERROR",
        `received message larger than max (${length} vs. ${this.#maxMessageBytes})`,
      );
    }
    if (this.#buffered < GRPC_PREFIX_BYTES + length) return undefined;
    const head = this.#chunks[0] as Uint8Array;
    const start = this.#head + GRPC_PREFIX_BYTES;
    if (head.byteLength - start >= length) {
      // The message lies inside the first chunk: a view, no copy.
      this.#consume(GRPC_PREFIX_BYTES + length);
      return head.subarray(start, start + length);
    }
    this.#consume(GRPC_PREFIX_BYTES);
    const message = this.#copyFront(length);
    this.#consume(length);
    return message;
  }

  /** Copies the first `n` buffered bytes without consuming them (n ≤ buffered). */
  #copyFront(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let at = this.#head;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(at, at + n - filled);
      out.set(part, filled);
      filled += part.byteLength;
      at = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Drops the first `n` buffered bytes (n ≤ buffered). */
  #consume(n: number): void {
    this.#buffered -= n;
    let left = n;
    while (left > 0) {
      const chunk = this.#chunks[0] as Uint8Array;
      const available = chunk.byteLength - this.#head;
      if (available > left) {
        this.#head += left;
        return;
      }
      left -= available;
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}
