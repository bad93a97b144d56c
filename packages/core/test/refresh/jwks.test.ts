import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDsimError } from "../../src/errors.js";
import { parseJwks } from "../../src/refresh/jwks.js";

const bodyInvalid = expect.objectContaining({ code: "BODY_INVALID" }) as unknown as Error;

describe("parseJwks", () => {
  it("accepts a key set, keeps unknown members and freezes the result", () => {
    const set = parseJwks(
      JSON.stringify({ keys: [{ kty: "RSA", kid: "a", use: "sig", n: "xyz", e: "AQAB" }] }),
    );
    expect(set.keys[0]?.kid).toBe("a");
    expect(set.keys[0]?.n).toBe("xyz");
    expect(Object.isFrozen(set)).toBe(true);
    expect(Object.isFrozen(set.keys)).toBe(true);
    expect(Object.isFrozen(set.keys[0])).toBe(true);
    expect(parseJwks('{"keys":[]}').keys).toEqual([]);
  });

  it.each([
    "",
    "not json",
    "null",
    "[]",
    '"keys"',
    "{}",
    '{"keys":{}}',
    '{"keys":null}',
    '{"keys":[1]}',
    '{"keys":[null]}',
    '{"keys":[[]]}',
    '{"keys":[{}]}',
    '{"keys":[{"kty":""}]}',
    '{"keys":[{"kty":1}]}',
    '{"keys":[{"kty":"EC","kid":7}]}',
    '{"keys":[{"kty":"EC","alg":null}]}',
    '{"keys":[{"kty":"EC"}]',
  ])("rejects %j with BODY_INVALID", (body) => {
    expect(() => parseJwks(body)).toThrow(bodyInvalid);
  });

  it("survives deeply nested members", () => {
    const deep = `{"keys":[{"kty":"oct","x":${"[".repeat(50_000)}${"]".repeat(50_000)}}]}`;
    try {
      expect(parseJwks(deep).keys).toHaveLength(1);
    } catch (error) {
      expect(isDsimError(error, "BODY_INVALID")).toBe(true);
    }
  });

  it("returns a key set or throws BODY_INVALID for any input (fuzz)", () => {
    const keyLike = fc.dictionary(
      fc.constantFrom("kty", "kid", "use", "alg", "n", "__proto__", "constructor"),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const documentLike = fc.oneof(
      fc.record({
        keys: fc.array(fc.oneof(keyLike, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }),
      }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const body = fc.oneof(
      documentLike.map((d) => JSON.stringify(d) ?? ""),
      fc.string(),
      documentLike.chain((d) =>
        fc.nat({ max: 64 }).map((cut) => (JSON.stringify(d) ?? "").slice(0, cut)),
      ),
    );
    fc.assert(
      fc.property(body, (text) => {
        try {
          const set = parseJwks(text);
          expect(Array.isArray(set.keys)).toBe(true);
          for (const key of set.keys) expect(typeof key.kty).toBe("string");
        } catch (error) {
          if (!isDsimError(error, "BODY_INVALID")) throw error;
        }
      }),
      { seed: 42, numRuns: 3_000 },
    );
  });
});
