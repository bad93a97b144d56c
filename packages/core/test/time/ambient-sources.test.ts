import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Guards the project's central rule: code in packages/core never reads ambient time or
 * randomness. Only the explicit system implementations (and production adapters) may. The check
 * walks the syntax tree, so comments and method declarations such as `Clock.setTimeout` do not
 * count; a call through the injected clock (`clock.setTimeout(…)`) is a property access on
 * something other than a global and is allowed.
 */

const SRC = fileURLToPath(new URL("../../src", import.meta.url));
const ALLOWED = new Set(["time/system-clock.ts", "random/system-random.ts"]);
const ALLOWED_DIRS = ["adapters/"];

const FORBIDDEN_MEMBERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["Date", new Set(["now"])],
  ["Math", new Set(["random"])],
  ["performance", new Set(["now"])],
  ["AbortSignal", new Set(["timeout"])],
  ["process", new Set(["hrtime"])],
  ["crypto", new Set(["getRandomValues", "randomUUID", "randomInt", "randomBytes"])],
  ["globalThis", new Set(["setTimeout", "setInterval", "setImmediate", "Date", "performance"])],
]);
const FORBIDDEN_CALLS = new Set(["setTimeout", "setInterval", "setImmediate"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Returns `line:col text` for every ambient time or randomness access in `text`. */
function findAmbientUses(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node): void => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push(`${line + 1}:${character + 1} ${node.getText(file)}`);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      FORBIDDEN_MEMBERS.get(node.expression.text)?.has(node.name.text) === true
    ) {
      report(node);
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      FORBIDDEN_CALLS.has(node.expression.text)
    ) {
      report(node);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Date" &&
      (node.arguments === undefined || node.arguments.length === 0)
    ) {
      report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("no ambient time or randomness in @dsim/core", () => {
  it("detects the forbidden forms (so the guard itself can fail)", () => {
    const sample = [
      "const a = Date.now();",
      "const b = Math.random();",
      "setTimeout(() => {}, 1);",
      "const c = new Date();",
      "const d = AbortSignal.timeout(5);",
      "globalThis.setInterval(() => {}, 1);",
      "// Date.now() in a comment is fine",
      "clock.setTimeout(() => {}, 1); const e = new Date(0);",
      "interface C { setTimeout(cb: () => void, ms: number): void }",
    ].join("\n");
    expect(findAmbientUses("sample.ts", sample).map((s) => s.split(" ")[0])).toEqual([
      "1:11",
      "2:11",
      "3:1",
      "4:11",
      "5:11",
      "6:1",
    ]);
  });

  it("finds none outside the system implementations and adapters", () => {
    const offenders: string[] = [];
    for (const path of sourceFiles(SRC)) {
      const rel = relative(SRC, path).split("\\").join("/");
      if (ALLOWED.has(rel) || ALLOWED_DIRS.some((dir) => rel.startsWith(dir))) continue;
      for (const use of findAmbientUses(path, readFileSync(path, "utf8")))
        offenders.push(`${rel}:${use}`);
    }
    expect(offenders).toEqual([]);
  });
});
