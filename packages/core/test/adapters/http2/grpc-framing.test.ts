import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeGrpcMessage,
  encodeGrpcMessages,
  GRPC_PREFIX_BYTES,
  GrpcMessageDecoder,
} from "../../../src/adapters/http2/index.js";
import { isDsimError } from "../../../src/errors.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

describe("gRPC length-prefixed framing", () => {
  it("prefixes a message with flag 0 and its big-endian length", () => {
    const framed = encodeGrpcMessage(new Uint8Array([7, 8, 9]));
    expect([...framed]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect([...encodeGrpcMessage(new Uint8Array())]).toEqual([0, 0, 0, 0, 0]);
  });

  it("frames a batch as the concatenation of its messages' frames", () => {
    const batch = [new Uint8Array([7]), new Uint8Array(), new Uint8Array(300).fill(9)];
    expect([...encodeGrpcMessages(batch)]).toEqual([...concat(batch.map(encodeGrpcMessage))]);
    expect([...encodeGrpcMessages([])]).toEqual([]);
    // A length over 255 uses the higher prefix bytes.
    expect([...encodeGrpcMessages(batch).subarray(11, 16)]).toEqual([0, 0, 0, 1, 44]);
  });

  it("hands out messages one by one with append/next, views into the chunk when whole", () => {
    const decoder = new GrpcMessageDecoder();
    const chunk = encodeGrpcMessages([new Uint8Array([1, 2]), new Uint8Array([3])]);
    decoder.append(chunk.subarray(0, 9));
    const first = decoder.next();
    expect(first === undefined ? undefined : [...first]).toEqual([1, 2]);
    expect(first?.buffer).toBe(chunk.buffer);
    expect(decoder.next()).toBeUndefined();
    expect(decoder.buffered).toBe(2);
    decoder.append(chunk.subarray(9));
    expect([...(decoder.next() ?? [])]).toEqual([3]);
    expect(decoder.next()).toBeUndefined();
    expect(decoder.buffered).toBe(0);
  });

  it("decodes an empty message and several messages in one chunk", () => {
    const decoder = new GrpcMessageDecoder();
    const chunk = concat([
      encodeGrpcMessage(new Uint8Array()),
      encodeGrpcMessage(new Uint8Array([1])),
      encodeGrpcMessage(new Uint8Array([2, 3])),
    ]);
    expect(decoder.push(chunk).map((m) => [...m])).toEqual([[], [1], [2, 3]]);
    expect(decoder.buffered).toBe(0);
  });

  it("reassembles messages split at every possible boundary (property, seed 42)", () => {
    const messages = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 });
    fc.assert(
      fc.property(messages, fc.array(fc.nat(), { maxLength: 12 }), (input, cuts) => {
        const wire = concat(input.map(encodeGrpcMessage));
        const points = [...new Set(cuts.map((c) => c % (wire.byteLength + 1)))].sort(
          (a, b) => a - b,
        );
        const decoder = new GrpcMessageDecoder();
        const out: number[][] = [];
        let from = 0;
        for (const to of [...points, wire.byteLength]) {
          for (const m of decoder.push(wire.subarray(from, to))) out.push([...m]);
          from = to;
        }
        expect(out).toEqual(input.map((m) => [...m]));
        expect(decoder.buffered).toBe(0);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("keeps an incomplete prefix or body buffered", () => {
    const decoder = new GrpcMessageDecoder();
    const framed = encodeGrpcMessage(new Uint8Array([5, 6, 7, 8]));
    expect(decoder.push(framed.subarray(0, 3))).toEqual([]);
    expect(decoder.push(framed.subarray(3, GRPC_PREFIX_BYTES + 2))).toEqual([]);
    expect(decoder.buffered).toBe(GRPC_PREFIX_BYTES + 2);
    expect(decoder.push(framed.subarray(GRPC_PREFIX_BYTES + 2)).map((m) => [...m])).toEqual([
      [5, 6, 7, 8],
    ]);
  });

  it("rejects a compressed message and an oversized one with PROTOCOL_ERROR", () => {
    const compressed = new Uint8Array([1, 0, 0, 0, 1, 42]);
    expect(() => new GrpcMessageDecoder().push(compressed)).toThrowError(/compressed flag 1/);
    const decoder = new GrpcMessageDecoder(3);
    let caught: unknown;
    try {
      // Only the prefix arrived: the limit applies before the body is buffered.
      decoder.push(encodeGrpcMessage(new Uint8Array(4)).subarray(0, GRPC_PREFIX_BYTES));
    } catch (error) {
      caught = error;
    }
    expect(isDsimError(caught, "PROTOCOL_ERROR")).toBe(true);
    expect(String(caught)).toMatch(/larger than max \(4 vs\. 3\)/);
  });

  it("validates maxMessageBytes", () => {
    expect(() => new GrpcMessageDecoder(-1)).toThrowError(RangeError);
    expect(() => new GrpcMessageDecoder(1.5)).toThrowError(RangeError);
  });
});
