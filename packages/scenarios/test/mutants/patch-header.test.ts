import { describe, expect, it } from "vitest";
import { PatchHeaderError, parsePatchHeader } from "../../src/mutants/patch-header.js";

const DIFF = `diff --git a/packages/core/src/x.ts b/packages/core/src/x.ts
--- a/packages/core/src/x.ts
+++ b/packages/core/src/x.ts
@@ -1 +1 @@
-a
+b
`;

const HEADER: Record<string, string> = {
  Id: "conn-example-bug",
  Suite: "conn",
  Mirrors: "grpc/grpc-go#1099: a: colon in the value is kept",
  Expect: "conn.connect-deadline",
  Kind: "leak",
  Description: "what it does",
};

function patch(fields: Record<string, string | undefined>, tail = `\n${DIFF}`): string {
  return `${Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join("")}${tail}`;
}

function error(text: string): string {
  try {
    parsePatchHeader(text, "m.patch");
  } catch (e) {
    expect(e).toBeInstanceOf(PatchHeaderError);
    return (e as Error).message;
  }
  throw new Error("parsed without error");
}

describe("parsePatchHeader", () => {
  it("reads every key; a value keeps its own colons", () => {
    expect(parsePatchHeader(patch(HEADER), "m.patch")).toEqual({
      id: "conn-example-bug",
      suite: "conn",
      mirrors: "grpc/grpc-go#1099: a: colon in the value is kept",
      expect: "conn.connect-deadline",
      kind: "leak",
      description: "what it does",
    });
  });

  it("accepts CRLF header lines", () => {
    const text = patch(HEADER).replace(/\n(?=[A-Z][a-z]+: )/g, "\r\n");
    expect(parsePatchHeader(text, "m.patch").id).toBe("conn-example-bug");
  });

  it.each(Object.keys(HEADER))("rejects a header without %s", (key) => {
    expect(error(patch({ ...HEADER, [key]: undefined }))).toBe(`m.patch: header "${key}" missing`);
  });

  it("rejects unknown, repeated and empty keys", () => {
    expect(error(patch({ ...HEADER, Author: "x" }))).toContain('unknown header key "Author"');
    expect(error(`Id: a\n${patch(HEADER)}`)).toContain('header key "Id" repeated');
    expect(error(patch({ ...HEADER, Kind: "" }))).toContain('header "Kind" is empty');
    expect(error(`no colon here\n${patch(HEADER)}`)).toContain('line 1 is not "Key: value"');
  });

  it("rejects bad ids, suites and invariant names", () => {
    expect(error(patch({ ...HEADER, Id: "Conn_Bug" }))).toContain("not kebab-case");
    expect(error(patch({ ...HEADER, Suite: "net" }))).toContain('Suite "net" is not one of');
    expect(error(patch({ ...HEADER, Expect: "backoff-spacing" }))).toContain(
      "is not an invariant id",
    );
  });

  it("needs a blank line and then a git diff", () => {
    expect(error(patch(HEADER, DIFF))).toContain("no blank line after the header");
    expect(error("Id: a")).toContain("no blank line after the header");
    expect(error(patch(HEADER, ""))).toContain("no `diff --git` follows");
    expect(error(patch(HEADER, "\n--- a/x\n+++ b/x\n"))).toContain("no `diff --git` follows");
  });
});
