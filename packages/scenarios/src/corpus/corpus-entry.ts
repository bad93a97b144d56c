import type { JsonValue } from "../reporters/json-value.js";
import { toJsonValue } from "../reporters/json-value.js";
import type { FailureReport } from "../runner/types.js";

/**
 * One saved failure: a regression case. `{suite, seed, path}` names the case (it replays through
 * the suite's arbitrary exactly as `dsim replay` does); the rest records what the failure looked
 * like when it was saved, for the human reading the file. There is deliberately no timestamp: the
 * file is a pure function of the failure, so saving the same failure twice writes the same bytes.
 */
export interface CorpusEntry {
  readonly suite: string;
  /** fast-check seed. */
  readonly seed: number;
  /** fast-check path of the (shrunk) counterexample. */
  readonly path: string;
  /** The invariant that broke when the case was saved. */
  readonly invariant: string;
  /** Trace digest of the failing run when it was saved (informational: a fix changes it). */
  readonly digest: string;
  /** The message the invariant gave. */
  readonly message?: string;
  /** The plan of the case, so the file reads without running anything. */
  readonly plan?: JsonValue;
}

const PATH = /^\d+(:\d+)*$/;

/** Builds the entry to save for a suite's failure. */
export function corpusEntryOf(suite: string, failure: FailureReport): CorpusEntry {
  return {
    suite,
    seed: failure.seed,
    path: failure.path,
    invariant: failure.invariant,
    digest: failure.digest,
    message: failure.message,
    plan: toJsonValue(failure.plan),
  };
}

/**
 * Validates a parsed corpus file. Throws a `TypeError` naming the file and the bad field, so a
 * hand-edited entry that no longer names a case is reported instead of silently skipped.
 */
export function parseCorpusEntry(value: unknown, file: string): CorpusEntry {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`corpus file ${file}: expected a JSON object`);
  }
  const record = value as { readonly [key: string]: unknown };
  const { suite, seed, path, invariant, digest, message, plan } = record;
  if (typeof suite !== "string" || suite === "") {
    throw new TypeError(`corpus file ${file}: "suite" must be a non-empty string`);
  }
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new TypeError(`corpus file ${file}: "seed" must be an integer`);
  }
  if (typeof path !== "string" || !PATH.test(path)) {
    throw new TypeError(`corpus file ${file}: "path" must be numbers separated by ":"`);
  }
  if (typeof invariant !== "string") {
    throw new TypeError(`corpus file ${file}: "invariant" must be a string`);
  }
  if (typeof digest !== "string") {
    throw new TypeError(`corpus file ${file}: "digest" must be a string`);
  }
  return {
    suite,
    seed,
    path,
    invariant,
    digest,
    ...(typeof message === "string" ? { message } : {}),
    ...(plan === undefined ? {} : { plan: toJsonValue(plan) }),
  };
}

/**
 * The file name of an entry: `<suite>--<seed>--<path with ":" as "-">.json`. Deterministic, so the
 * same failure saved twice lands in the same file.
 */
export function corpusFileName(entry: Pick<CorpusEntry, "suite" | "seed" | "path">): string {
  return `${entry.suite}--${entry.seed}--${entry.path.replaceAll(":", "-")}.json`;
}
