import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { defineSuite, type SuiteDefinition } from "../public/define-suite.js";
import type { Suite } from "../runner/suite.js";
import { expandGlob, isGlob } from "./suites-glob.js";
import { UsageError } from "./usage.js";

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;

let typescriptLoader: Promise<void> | undefined;

/**
 * Lets `import()` load TypeScript files: registers tsx's module hooks once per process. Under
 * `tsx` (the workspace's `pnpm dsim`) the hooks are already there and a second layer is harmless;
 * from the published JavaScript bin this is what makes `my.suite.ts` load as it is. Both the ESM
 * and the CommonJS hooks: in a project without `"type": "module"` Node treats a `.ts` file as
 * CommonJS, and only tsx's CommonJS hook compiles it (its `import`s become `require`s, which load
 * the ESM-only `@dsim/*` packages through Node's `require(esm)`, same instances as the CLI's).
 */
function loadTypescript(): Promise<void> {
  typescriptLoader ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(
    ([esm, cjs]) => {
      esm.register();
      cjs.register();
    },
  );
  return typescriptLoader;
}

/**
 * The file's default export. A suite file compiled to CommonJS (see {@link loadTypescript})
 * arrives as `{ default: exports }` with the ES default one level down.
 */
function defaultExport(module: { readonly default?: unknown }): unknown {
  const exported = module.default;
  if (typeof exported === "object" && exported !== null && !Array.isArray(exported)) {
    const inner = exported as { readonly default?: unknown; readonly __esModule?: unknown };
    if (inner.__esModule === true || ("default" in inner && !("run" in inner))) {
      return inner.default;
    }
  }
  return exported;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object without a suite's fields" : typeof value;
}

/** Validates one exported suite (a `defineSuite` result or a hand-written `Suite`). */
function toSuite(value: unknown, file: string): Suite<unknown> {
  if (typeof value !== "object" || value === null) {
    throw new UsageError(`--suites: ${file} exports ${describeValue(value)}, not a suite`);
  }
  try {
    const suite = defineSuite(value as SuiteDefinition<unknown>);
    const demo = (value as { demo?: unknown }).demo === true;
    return { ...suite, ...(demo ? { demo } : {}), source: file };
  } catch (error) {
    throw new UsageError(
      `--suites: ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The suites one file exports: its default export, a suite or an array of suites. */
async function loadFile(file: string, cwd: string): Promise<Suite<unknown>[]> {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  if (TYPESCRIPT.test(file)) await loadTypescript();
  const exported = defaultExport(
    (await import(pathToFileURL(absolute).href)) as { readonly default?: unknown },
  );
  if (exported === undefined) {
    throw new UsageError(
      `--suites: ${file} has no default export (export default defineSuite({…}) or an array of suites)`,
    );
  }
  const values = Array.isArray(exported) ? exported : [exported];
  if (values.length === 0) throw new UsageError(`--suites: ${file} exports an empty array`);
  return values.map((value) => toSuite(value, file));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Loads the user suites named by a `--suites` value: one file or a glob (relative to `cwd`), in
 * TypeScript or JavaScript. Each suite remembers its file as {@link Suite.source}, so reports and
 * replay commands name it. Suite names must be unique over all files.
 *
 * @throws UsageError when nothing matches, a file does not export suites, or a name repeats.
 */
export async function loadSuites(pattern: string, cwd: string): Promise<Suite<unknown>[]> {
  if (pattern === "") throw new UsageError("--suites: needs a file or a glob");
  let files: string[];
  if (isGlob(pattern)) {
    files = await expandGlob(pattern, cwd);
    if (files.length === 0) throw new UsageError(`--suites: no file matches "${pattern}"`);
  } else {
    if (!(await isFile(resolve(cwd, pattern)))) {
      throw new UsageError(`--suites: no such file "${pattern}"`);
    }
    files = [pattern];
  }
  const loaded: Suite<unknown>[] = [];
  for (const file of files) {
    for (const suite of await loadFile(file, cwd)) {
      const clash = loaded.find((other) => other.name === suite.name);
      if (clash !== undefined) {
        throw new UsageError(
          `--suites: suite name "${suite.name}" is used by ${clash.source ?? "?"} and ${file}`,
        );
      }
      loaded.push(suite);
    }
  }
  return loaded;
}
