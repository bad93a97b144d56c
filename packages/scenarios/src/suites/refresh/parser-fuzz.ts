import {
  formatHttpDate,
  isDsimError,
  parseCacheControl,
  parseHttpDate,
  parseJwks,
  remainingFreshnessMs,
} from "@dsim/core";
import fc from "fast-check";

/** The outcome counts of fuzzing one parser. */
export interface FuzzRow {
  readonly [key: string]: string | number;
  readonly parser: string;
  readonly inputs: number;
  /** Inputs that produced a value. */
  readonly values: number;
  /** Inputs rejected with the parser's typed error. */
  readonly typedErrors: number;
}

const cacheControlInput = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom("max-age", "MAX-AGE", "no-cache", "no-store", "s-maxage", "public", "x"),
        fc.constantFrom("=", ",", " ", "\t", '"', "\\", "-", ";", "\u0000", "\u00ff"),
        fc.stringMatching(/^[0-9]{0,25}$/),
      ),
      { maxLength: 14 },
    )
    .map((parts) => parts.join("")),
);

const MAX_DATE_S = 253_402_300_799; // 9999-12-31T23:59:59Z
const validDate = fc
  .integer({ min: -62_167_219_200, max: MAX_DATE_S })
  .map((s) => formatHttpDate(s * 1_000));
const ASCTIME_MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

const dateInput = fc.oneof(
  fc.string({ maxLength: 40 }),
  validDate,
  // A valid date with one character replaced: near misses are where strict parsers break.
  fc
    .tuple(validDate, fc.nat(), fc.constantFrom(" ", "0", "9", "-", ",", "x", ":"))
    .map(
      ([text, at, ch]) => text.slice(0, at % text.length) + ch + text.slice((at % text.length) + 1),
    ),
  // asctime and RFC 850 forms with random fields.
  fc
    .tuple(
      fc.constantFrom(...ASCTIME_MONTHS),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 1900, max: 2100 }),
    )
    .map(([month, day, hour, year]) =>
      day % 2 === 0
        ? `Sun ${month} ${String(day).padStart(2, " ")} ${String(hour).padStart(2, "0")}:00:00 ${year}`
        : `Sunday, ${String(day).padStart(2, "0")}-${month}-${String(year % 100).padStart(2, "0")} ${String(hour).padStart(2, "0")}:00:00 GMT`,
    ),
  fc
    .tuple(
      fc.constantFrom("Sun", "Sunday", "Mon", "Feb", ""),
      fc.constantFrom(", ", " ", ",", "  "),
      fc.stringMatching(/^[0-9 ]{0,3}$/),
      fc.constantFrom(" Nov ", "-Nov-", " nov ", " Feb ", " "),
      fc.stringMatching(/^[0-9]{0,5}$/),
      fc.constantFrom(" 08:49:37 GMT", " 23:59:60 GMT", " 24:00:00 GMT", " 08:49:37", " GMT", ""),
    )
    .map((parts) => parts.join("")),
);

const headerMapInput = fc.dictionary(
  fc.constantFrom("cache-control", "expires", "date", "age"),
  fc.oneof(cacheControlInput, dateInput, fc.stringMatching(/^-?[0-9]{0,12}(, ?[0-9]{0,3})?$/)),
);

const jwksInput = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ""),
  fc
    .record({
      keys: fc.array(
        fc.oneof(
          fc.dictionary(
            fc.constantFrom("kty", "kid", "use", "alg", "n", "__proto__"),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        { maxLength: 4 },
      ),
    })
    .chain((doc) => {
      const text = JSON.stringify(doc);
      return fc.nat({ max: text.length }).map((cut) => (cut % 3 === 0 ? text.slice(0, cut) : text));
    }),
);

function fuzz<T>(
  parser: string,
  input: fc.Arbitrary<T>,
  call: (value: T) => unknown,
  typedCode: string | undefined,
  seed: number,
  numRuns: number,
): FuzzRow {
  let values = 0;
  let typedErrors = 0;
  const result = fc.check(
    fc.property(input, (value) => {
      try {
        call(value);
        values += 1;
      } catch (error) {
        if (typedCode === undefined || !isDsimError(error, typedCode as never)) throw error;
        typedErrors += 1;
      }
    }),
    { seed, numRuns },
  );
  if (result.failed) {
    throw new Error(
      `fuzz ${parser}: ${String(result.errorInstance)} for ${JSON.stringify(result.counterexample)} ` +
        `(seed ${seed}, path ${JSON.stringify(result.counterexamplePath)})`,
    );
  }
  return { parser, inputs: result.numRuns, values, typedErrors };
}

/**
 * Fuzzes the refresher's header and body parsers: each input must produce a value or the
 * parser's typed error (`HEADER_INVALID`, `BODY_INVALID`), nothing else; the freshness rule must
 * never throw and return a non-negative number or `undefined`.
 *
 * @throws Error naming the parser, the input, the seed and the replay path on the first other outcome.
 */
export function fuzzRefreshParsers(seed: number, runsPerParser: number): FuzzRow[] {
  return [
    fuzz(
      "parseCacheControl",
      cacheControlInput,
      parseCacheControl,
      "HEADER_INVALID",
      seed,
      runsPerParser,
    ),
    fuzz("parseHttpDate", dateInput, parseHttpDate, "HEADER_INVALID", seed, runsPerParser),
    fuzz(
      "remainingFreshnessMs",
      headerMapInput,
      (fields) => {
        const ms = remainingFreshnessMs({ get: (name) => fields[name] ?? null }, 0);
        if (ms !== undefined && !(ms >= 0)) throw new Error(`freshness ${ms}`);
      },
      undefined,
      seed,
      runsPerParser,
    ),
    fuzz("parseJwks", jwksInput, parseJwks, "BODY_INVALID", seed, runsPerParser),
  ];
}
