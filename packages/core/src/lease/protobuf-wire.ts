/**
 * The few protobuf wire-format pieces the lease messages need (proto3): varints for int64/uint64/
 * bool, length-delimited bytes/strings/messages, and skipping of unknown fields. Hand-written so
 * that core keeps no runtime dependency.
 *
 * Keep-alive responses are decoded once per renewal, so the reader works on plain numbers where a
 * value fits and builds a bigint from two number halves otherwise, without closures or per-field
 * objects.
 */

const U64 = (1n << 64n) - 1n;
const LOW_32 = 0xffffffffn;
/** A varint's first four bytes carry 28 bits: always a non-negative small integer. */
const LOW_BITS = 28;
const LOW_SHIFT = 28n;

/** The number of bytes of `value` (a uint64 as two 32-bit halves) as a varint. */
function varintLength(lo: number, hi: number): number {
  let n = 1;
  while (hi !== 0 || lo > 0x7f) {
    lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
    hi >>>= 7;
    n += 1;
  }
  return n;
}

/** Writes a uint64 given as two 32-bit halves at `pos`; returns the position after it. */
function writeVarint(out: Uint8Array | number[], pos: number, lo: number, hi: number): number {
  while (hi !== 0 || lo > 0x7f) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
    hi >>>= 7;
  }
  out[pos++] = lo;
  return pos;
}

/** Appends protobuf fields to a growing byte buffer. Default (zero/empty) values are omitted. */
export class ProtoWriter {
  readonly #bytes: number[] = [];

  #varint(value: bigint): void {
    const v = value & U64;
    const bytes = this.#bytes;
    writeVarint(bytes, bytes.length, Number(v & LOW_32), Number(v >> 32n));
  }

  #tag(field: number, wireType: number): void {
    const bytes = this.#bytes;
    writeVarint(bytes, bytes.length, ((field << 3) | wireType) >>> 0, 0);
  }

  /** An `int64`/`uint64` field (negative int64 as ten-byte two's complement). */
  int64(field: number, value: bigint | number): this {
    const v = typeof value === "bigint" ? value : BigInt(value);
    if (v === 0n) return this;
    this.#tag(field, 0);
    this.#varint(v);
    return this;
  }

  /** A `bool` field. */
  bool(field: number, value: boolean): this {
    if (!value) return this;
    this.#tag(field, 0);
    this.#bytes.push(1);
    return this;
  }

  /** A `bytes` field; `always` writes it even when empty (repeated entries). */
  bytes(field: number, value: Uint8Array, always = false): this {
    if (value.length === 0 && !always) return this;
    this.#tag(field, 2);
    const bytes = this.#bytes;
    writeVarint(bytes, bytes.length, value.length, 0);
    for (const b of value) bytes.push(b);
    return this;
  }

  /** A `string` field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field (written even when empty, as protobuf does for set messages). */
  message(field: number, encoded: Uint8Array): this {
    return this.bytes(field, encoded, true);
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    return new Uint8Array(this.#bytes);
  }
}

/**
 * A message of one non-zero `int64` field, or an empty message for 0 (proto3 omits defaults): the
 * shape of `LeaseKeepAliveRequest` and `LeaseRevokeRequest`, written straight into its final
 * buffer.
 */
export function encodeSingleInt64(field: number, value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const v = value & U64;
  const lo = Number(v & LOW_32);
  const hi = Number(v >> 32n);
  const tag = ((field << 3) | 0) >>> 0;
  const out = new Uint8Array(varintLength(tag, 0) + varintLength(lo, hi));
  writeVarint(out, writeVarint(out, 0, tag, 0), lo, hi);
  return out;
}

/**
 * Reads a message field by field: `next()` gives each key, then exactly one of the value readers
 * (or `skip`) consumes its value. Throws RangeError on truncated or malformed input.
 */
export class ProtoReader {
  readonly #bytes: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** True once every byte was read. */
  get done(): boolean {
    return this.#pos >= this.#bytes.length;
  }

  /** The next field's key (`field << 3 | wireType`); the field number is never 0. */
  next(): number {
    const key = this.#small();
    if (key >>> 3 === 0) throw new RangeError("protobuf: field number 0");
    return key;
  }

  /** A varint value (up to 70 bits as sent; callers truncate with `toInt64`/`toUint64`). */
  varint(): bigint {
    const bytes = this.#bytes;
    const length = bytes.length;
    let pos = this.#pos;
    let lo = 0;
    for (let shift = 0; shift < LOW_BITS; shift += 7) {
      if (pos >= length) throw new RangeError("protobuf: truncated varint");
      const b = bytes[pos++] as number;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.#pos = pos;
        return BigInt(lo);
      }
    }
    // Six more bytes at most (ten in all), 42 bits: still exact as a number.
    let hi = 0;
    let scale = 1;
    for (let i = 0; i < 6; i++) {
      if (pos >= length) throw new RangeError("protobuf: truncated varint");
      const b = bytes[pos++] as number;
      hi += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.#pos = pos;
        return (BigInt(hi) << LOW_SHIFT) | BigInt(lo);
      }
      scale *= 128;
    }
    throw new RangeError("protobuf: varint too long");
  }

  /** An `int64` varint as a number (TTLs): exact for every value a TTL can take. */
  int64Number(): number {
    const bytes = this.#bytes;
    const b = bytes[this.#pos];
    if (b !== undefined && b < 0x80) {
      this.#pos += 1;
      return b;
    }
    return Number(BigInt.asIntN(64, this.varint()));
  }

  /** A length-delimited value, as a view on the input (no copy). */
  bytes(): Uint8Array {
    const length = this.#small();
    const start = this.#pos;
    if (start + length > this.#bytes.length) throw new RangeError("protobuf: truncated field");
    this.#pos = start + length;
    return this.#bytes.subarray(start, start + length);
  }

  /** Skips the value of a field of `wireType` (an unknown or unwanted field). */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.#advance(8);
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.#advance(4);
        return;
      default:
        throw new RangeError(`protobuf: unsupported wire type ${wireType}`);
    }
  }

  #advance(n: number): void {
    this.#pos += n;
    if (this.#pos > this.#bytes.length) {
      throw new RangeError("protobuf: truncated fixed-width field");
    }
  }

  /** A varint used as a key or a length: one byte in the common case. */
  #small(): number {
    const b = this.#bytes[this.#pos];
    if (b !== undefined && b < 0x80) {
      this.#pos += 1;
      return b;
    }
    return Number(this.varint());
  }
}

/** One decoded field: varints as bigint, length-delimited as bytes. */
export type ProtoField =
  | { readonly field: number; readonly wireType: 0; readonly value: bigint }
  | { readonly field: number; readonly wireType: 2; readonly value: Uint8Array };

/** Reads every field of a message in order; unknown fixed32/fixed64 fields are skipped. */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const key = reader.next();
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) out.push({ field, wireType, value: reader.varint() });
    else if (wireType === 2) out.push({ field, wireType, value: reader.bytes() });
    else reader.skip(wireType);
  }
  return out;
}

/** A varint as a signed int64. */
export function toInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** A varint as an unsigned uint64. */
export function toUint64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
