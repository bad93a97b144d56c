import type { JsonValue } from "../reporters/json-value.js";
import { parseShard, type Shard } from "../runner/shard.js";
import type { FailureReport, ShrinkStop } from "../runner/types.js";

/** One suite row of a `dsim run` JSON report, as read back for merging. */
export interface ReportRow {
  readonly name: string;
  readonly runs: number;
  readonly failures: number;
  readonly digest: string;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly interrupted: boolean;
  readonly firstRun: number;
  readonly plannedRuns: number;
  readonly runDigests: readonly string[];
  readonly shard?: Shard;
  readonly corpus?: string;
  readonly failure?: FailureReport;
  readonly moreFailures?: readonly FailureReport[];
}

/** A `dsim run --reporter json` / `--out DIR` report. */
export interface RunReport {
  readonly seed: number;
  readonly suites: readonly ReportRow[];
}

type Json = { readonly [key: string]: JsonValue };

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Fields {
  constructor(
    readonly where: string,
    readonly value: Json,
  ) {}
  fail(key: string, expected: string): never {
    throw new TypeError(`${this.where}: "${key}" must be ${expected}`);
  }
  number(key: string): number {
    const value = this.value[key];
    return typeof value === "number" && Number.isFinite(value) ? value : this.fail(key, "a number");
  }
  integer(key: string): number {
    const value = this.number(key);
    return Number.isSafeInteger(value) && value >= 0 ? value : this.fail(key, "an integer >= 0");
  }
  string(key: string): string {
    const value = this.value[key];
    return typeof value === "string" ? value : this.fail(key, "a string");
  }
  boolean(key: string): boolean {
    const value = this.value[key];
    return typeof value === "boolean" ? value : this.fail(key, "a boolean");
  }
  strings(key: string): string[] {
    const value = this.value[key];
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      return this.fail(key, "an array of strings");
    }
    return value as string[];
  }
  object(key: string): Json {
    const value = this.value[key];
    return isObject(value) ? value : this.fail(key, "an object");
  }
}

const SHRINK_STOPS: readonly ShrinkStop[] = ["time-budget", "shrink-time", "shrink-steps", "cycle"];

/** The optional shrink fields: why shrinking stopped and how many candidates it tried. */
function shrinkDetails(
  value: Json,
  f: Fields,
): { shrinkStop?: ShrinkStop; shrinkAttempts?: number } {
  const stop = value.shrinkStop;
  const found = SHRINK_STOPS.find((name) => name === stop);
  if (stop !== undefined && found === undefined) f.fail("shrinkStop", SHRINK_STOPS.join(" | "));
  return {
    ...(found === undefined ? {} : { shrinkStop: found }),
    ...(value.shrinkAttempts === undefined ? {} : { shrinkAttempts: f.integer("shrinkAttempts") }),
  };
}

function parseFailure(value: unknown, where: string): FailureReport {
  if (!isObject(value)) throw new TypeError(`${where}: expected an object`);
  const f = new Fields(where, value);
  return {
    seed: f.number("seed"),
    path: f.string("path"),
    simSeed: f.number("simSeed"),
    plan: value.plan ?? null,
    invariant: f.string("invariant"),
    message: f.string("message"),
    details: f.object("details"),
    digest: f.string("digest"),
    shrinks: f.integer("shrinks"),
    shrinkTruncated: f.boolean("shrinkTruncated"),
    ...shrinkDetails(value, f),
    replay: f.string("replay"),
  };
}

function parseRow(value: unknown, where: string): ReportRow {
  if (!isObject(value)) throw new TypeError(`${where}: expected an object`);
  const f = new Fields(where, value);
  const name = f.string("name");
  const here = `${where} (${name})`;
  const row = new Fields(here, value);
  const shardText = value.shard;
  let shard: Shard | undefined;
  if (shardText !== undefined) {
    if (typeof shardText !== "string") return row.fail("shard", 'a string "k/n"');
    shard = parseShard(shardText);
  }
  const corpus = value.corpus;
  if (corpus !== undefined && typeof corpus !== "string") row.fail("corpus", "a string");
  const more = value.moreFailures;
  if (more !== undefined && !Array.isArray(more)) row.fail("moreFailures", "an array");
  return {
    name,
    runs: row.integer("runs"),
    failures: row.integer("failures"),
    digest: row.string("digest"),
    simulatedMs: row.number("simulatedMs"),
    wallMs: row.number("wallMs"),
    interrupted: row.boolean("interrupted"),
    firstRun: row.integer("firstRun"),
    plannedRuns: row.integer("plannedRuns"),
    runDigests: row.strings("runDigests"),
    ...(shard === undefined ? {} : { shard }),
    ...(typeof corpus === "string" ? { corpus } : {}),
    ...(value.failure === undefined
      ? {}
      : { failure: parseFailure(value.failure, `${here} failure`) }),
    ...(Array.isArray(more)
      ? { moreFailures: more.map((item, i) => parseFailure(item, `${here} moreFailures[${i}]`)) }
      : {}),
  };
}

/**
 * Reads a JSON report written by `dsim run` (`--out DIR` → `DIR/report.json`, or
 * `--reporter json`). Throws a `TypeError` naming the file and field when it is not one.
 */
export function parseRunReport(text: string, file: string): RunReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TypeError(
      `${file}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isObject(value)) throw new TypeError(`${file}: expected a dsim JSON report object`);
  const f = new Fields(file, value);
  const seed = f.number("seed");
  const suites = value.suites;
  if (!Array.isArray(suites)) return f.fail("suites", "an array");
  return { seed, suites: suites.map((row, index) => parseRow(row, `${file} suites[${index}]`)) };
}
