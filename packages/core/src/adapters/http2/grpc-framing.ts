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
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  view.setUint8(0, 0);
  view.setUint32(1, message.byteLength, false);
  framed.set(message, GRPC_PREFIX_BYTES);
  return framed;
}

/**
 * Reassembles gRPC messages from DATA chunks, which may split a message (or its prefix) anywhere
 * and may carry several messages at once.
 */
export class GrpcMessageDecoder {
  readonly #maxMessageBytes: number;
  #chunks: Uint8Array[] = [];
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
    if (chunk.byteLength > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.byteLength;
    }
    const messages: Uint8Array[] = [];
    while (this.#buffered >= GRPC_PREFIX_BYTES) {
      const prefix = this.#peek(GRPC_PREFIX_BYTES);
      const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
      const flag = view.getUint8(0);
      const length = view.getUint32(1, false);
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
      if (this.#buffered < GRPC_PREFIX_BYTES + length) break;
      this.#take(GRPC_PREFIX_BYTES);
      messages.push(this.#take(length));
    }
    return messages;
  }

  /** Copies the first `n` buffered bytes without consuming them (n ≤ buffered). */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.byteLength >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.byteLength;
      if (filled === n) break;
    }
    return out;
  }

  /** Consumes the first `n` buffered bytes (n ≤ buffered). */
  #take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.byteLength >= n) {
      // Common case: the message lies inside one chunk; a view avoids a copy.
      const out = first.subarray(0, n);
      if (first.byteLength === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) break;
      const need = n - filled;
      if (chunk.byteLength <= need) {
        out.set(chunk, filled);
        filled += chunk.byteLength;
        this.#chunks.shift();
      } else {
        out.set(chunk.subarray(0, need), filled);
        this.#chunks[0] = chunk.subarray(need);
        filled += need;
      }
    }
    this.#buffered -= n;
    return out;
  }
}
