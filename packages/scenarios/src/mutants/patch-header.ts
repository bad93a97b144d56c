/**
 * The header of a mutant patch (docs/ci.md, "Mutants"): `Key: value` lines, one blank line, then
 * a unified diff that `git apply` accepts (it skips the header as commentary).
 */

/** The suites a mutant may name. */
export const MUTANT_SUITES = [
  "conn",
  "lease",
  "refresh",
  "conn-http2",
  "lease-http2",
  "lease-grpc-js",
] as const;

/** One of {@link MUTANT_SUITES}. */
export type MutantSuite = (typeof MUTANT_SUITES)[number];

/** A parsed mutant header. */
export interface MutantHeader {
  /** Kebab-case id; the file is `<id>.patch`. */
  readonly id: string;
  /** The suite that must catch it. */
  readonly suite: MutantSuite;
  /** The upstream bug it reproduces, or "faithful variant of …". */
  readonly mirrors: string;
  /** The invariant expected to catch it, e.g. `conn.backoff-spacing`. */
  readonly expect: string;
  /** The kind of gap it measures (slow-consumer, latency, per-call-outcome, …). */
  readonly kind: string;
  /** One line saying what the bug does. */
  readonly description: string;
}

/** A mutant patch file whose header is missing, incomplete or malformed. */
export class PatchHeaderError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "PatchHeaderError";
  }
}

const KEYS = ["Id", "Suite", "Mirrors", "Expect", "Kind", "Description"] as const;
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const INVARIANT = /^[a-z0-9-]+\.[a-z0-9.-]+$/;

function isSuite(value: string): value is MutantSuite {
  return (MUTANT_SUITES as readonly string[]).includes(value);
}

/**
 * Parses the header of `text` (the whole patch file). `file` only names the file in errors.
 *
 * @throws PatchHeaderError when a key is missing, repeated or unknown, a value is empty, the id is
 * not kebab-case, the suite is unknown, the expected invariant does not name a suite, no blank
 * line ends the header, or no diff follows it.
 */
export function parsePatchHeader(text: string, file: string): MutantHeader {
  const lines = text.split("\n");
  const values = new Map<string, string>();
  let index = 0;
  for (; index < lines.length; index += 1) {
    const line = (lines[index] ?? "").replace(/\r$/, "");
    if (line === "") break;
    if (line.startsWith("diff --git ")) {
      throw new PatchHeaderError(file, "no blank line after the header");
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new PatchHeaderError(file, `line ${index + 1} is not "Key: value"`);
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new PatchHeaderError(file, `unknown header key "${key}" (expected ${KEYS.join(", ")})`);
    }
    if (values.has(key)) throw new PatchHeaderError(file, `header key "${key}" repeated`);
    if (value === "") throw new PatchHeaderError(file, `header "${key}" is empty`);
    values.set(key, value);
  }
  if (index >= lines.length) throw new PatchHeaderError(file, "no blank line after the header");
  for (const key of KEYS) {
    if (!values.has(key)) throw new PatchHeaderError(file, `header "${key}" missing`);
  }
  const rest = lines.slice(index + 1).join("\n");
  if (!/^diff --git a\//m.test(rest)) {
    throw new PatchHeaderError(file, "no `diff --git` follows the header");
  }
  const id = values.get("Id") ?? "";
  const suite = values.get("Suite") ?? "";
  const expect = values.get("Expect") ?? "";
  if (!ID.test(id)) throw new PatchHeaderError(file, `Id "${id}" is not kebab-case`);
  if (!isSuite(suite)) {
    throw new PatchHeaderError(file, `Suite "${suite}" is not one of ${MUTANT_SUITES.join(", ")}`);
  }
  if (!INVARIANT.test(expect)) {
    throw new PatchHeaderError(file, `Expect "${expect}" is not an invariant id like "conn.x"`);
  }
  return {
    id,
    suite,
    mirrors: values.get("Mirrors") ?? "",
    expect,
    kind: values.get("Kind") ?? "",
    description: values.get("Description") ?? "",
  };
}
