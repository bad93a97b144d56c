/**
 * Turns messages into bytes and back, so callers bring their own message types (protobuf, JSON…).
 * `decode` may throw; the call then fails with INTERNAL.
 */
export interface Codec<T> {
  /** Serialises one message. */
  encode(value: T): Uint8Array;
  /** Parses one message. */
  decode(bytes: Uint8Array): T;
}

/** The identity codec, for callers that already hold bytes. */
export const bytesCodec: Codec<Uint8Array> = {
  encode: (value) => value,
  decode: (bytes) => bytes,
};

/**
 * A UTF-8 JSON codec for tests and simple services. `bigint` values are not supported by
 * `JSON.stringify`; use a dedicated codec for them.
 */
export function jsonCodec<T>(): Codec<T> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    encode: (value) => encoder.encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(decoder.decode(bytes)) as T,
  };
}
