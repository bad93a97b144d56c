/**
 * The few protobuf wire-format pieces the lease messages need (proto3): varints for int64/uint64/
 * bool, length-delimited bytes/strings/messages, and skipping of unknown fields. Hand-written so
 * that core keeps no runtime dependency.
 */

const U64 = (1n << 64n) - 1n;

/** Appends protobuf fields to a growing byte buffer. Default (zero/empty) values are omitted. */
export class ProtoWriter {
  #bytes: number[] = [];

  #varint(value: bigint): void {
    let v = value & U64;
    while (v >= 0x80n) {
      this.#bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#bytes.push(Number(v));
  }

  #tag(field: number, wireType: number): void {
    this.#varint(BigInt((field << 3) | wireType));
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
    this.#varint(1n);
    return this;
  }

  /** A `bytes` field; `always` writes it even when empty (repeated entries). */
  bytes(field: number, value: Uint8Array, always = false): this {
    if (value.length === 0 && !always) return this;
    this.#tag(field, 2);
    this.#varint(BigInt(value.length));
    for (const b of value) this.#bytes.push(b);
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
    return Uint8Array.from(this.#bytes);
  }
}

/** One decoded field: varints as bigint, length-delimited as bytes. */
export type ProtoField =
  | { readonly field: number; readonly wireType: 0; readonly value: bigint }
  | { readonly field: number; readonly wireType: 2; readonly value: Uint8Array };

/** Reads every field of a message in order; unknown fixed32/fixed64 fields are skipped. */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError("protobuf: truncated varint");
      const b = bytes[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new RangeError("protobuf: varint too long");
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0) throw new RangeError("protobuf: field number 0");
    switch (wireType) {
      case 0:
        out.push({ field, wireType, value: varint() });
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const length = Number(varint());
        if (pos + length > bytes.length) throw new RangeError("protobuf: truncated field");
        out.push({ field, wireType, value: bytes.subarray(pos, pos + length) });
        pos += length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new RangeError(`protobuf: unsupported wire type ${wireType}`);
    }
  }
  if (pos !== bytes.length) throw new RangeError("protobuf: truncated fixed-width field");
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
