import { checkHeaderValue } from "./header-value.js";
import { RefreshError } from "./refresh-error.js";

/**
 * A strict `Cache-Control` response parser (RFC 9111 §5.2, list syntax of RFC 9110 §5.6.1).
 * Strict because a header we misread could schedule refreshes far too late; the refresher treats
 * every error from here as "stale" and falls back to its minimum interval.
 */

/** The largest delta-seconds value; bigger values clamp to it (RFC 9111 §1.2.2). */
export const DELTA_SECONDS_MAX = 2_147_483_648;

/** A parsed `Cache-Control` response header. */
export interface CacheControl {
  /**
   * Every directive by lower-case name, first occurrence wins. The value is the unquoted argument,
   * or `null` for a directive without one.
   */
  readonly directives: ReadonlyMap<string, string | null>;
  /** Names (lower case) that occurred more than once. */
  readonly duplicates: ReadonlySet<string>;
  /** `max-age` in seconds (clamped to {@link DELTA_SECONDS_MAX}), or `undefined` when absent. */
  readonly maxAge: number | undefined;
  /** `no-cache` is present (with or without field names). */
  readonly noCache: boolean;
  /** `no-store` is present. */
  readonly noStore: boolean;
}

function headerError(message: string, value: string): RefreshError {
  return new RefreshError(
    "HEADER_INVALID",
    `Cache-Control ${message}: ${JSON.stringify(value.slice(0, 64))}`,
  );
}

function isTchar(code: number): boolean {
  // tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~"
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    "!#$%&'*+-.^_`|~".includes(String.fromCharCode(code))
  );
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Parses delta-seconds (`1*DIGIT`): a sign, a fraction, an exponent or an empty string are
 * invalid; a value above {@link DELTA_SECONDS_MAX} clamps to it.
 *
 * @throws RefreshError with code `HEADER_INVALID` when `text` is not delta-seconds (or not a
 * string, or longer than `MAX_HEADER_VALUE_LENGTH`).
 */
export function parseDeltaSeconds(text: string): number {
  checkHeaderValue("delta-seconds", text);
  if (!/^[0-9]+$/.test(text)) {
    throw new RefreshError(
      "HEADER_INVALID",
      `not delta-seconds: ${JSON.stringify(text.slice(0, 64))}`,
    );
  }
  // Compare as digits first so a thousand-digit value cannot lose precision on the way.
  const digits = text.replace(/^0+(?=\d)/, "");
  if (digits.length > 10) return DELTA_SECONDS_MAX;
  return Math.min(Number(digits), DELTA_SECONDS_MAX);
}

/** Reads a quoted-string starting at `start` (the opening quote); returns its value and end. */
function readQuoted(value: string, start: number): { text: string; end: number } {
  let text = "";
  // Runs of plain characters are copied with one slice each, not one concatenation per character.
  let runStart = start + 1;
  let i = start + 1;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code === 0x22) return { text: text + value.slice(runStart, i), end: i + 1 };
    if (code === 0x5c) {
      text += value.slice(runStart, i);
      const next = value.charCodeAt(i + 1);
      // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
      if (
        Number.isNaN(next) ||
        !(next === 0x09 || (next >= 0x20 && next !== 0x7f && next <= 0xff))
      ) {
        throw headerError("has a bad escape", value);
      }
      text += value[i + 1];
      i += 2;
      runStart = i;
      continue;
    }
    // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    if (!(code === 0x09 || (code >= 0x20 && code !== 0x7f && code <= 0xff))) {
      throw headerError("has a bad character in a quoted string", value);
    }
    i += 1;
  }
  throw headerError("has an unterminated quoted string", value);
}

/**
 * Parses a `Cache-Control` response header value. Names are case-insensitive; arguments may be
 * tokens or quoted strings (`max-age="60"`), and commas inside quotes do not split directives.
 * Empty list elements (`a,,b`) are allowed, as the list syntax says recipients must accept.
 *
 * @throws RefreshError with code `HEADER_INVALID` when `value` is not a string or is longer than
 * `MAX_HEADER_VALUE_LENGTH`, when the syntax is broken, or when `max-age` is
 * missing its argument, is not delta-seconds (negative included), or occurs more than once — RFC
 * 9111 §4.2.1 allows treating such a response as stale, and stale is the safe reading for a
 * refresher.
 */
export function parseCacheControl(value: string): CacheControl {
  checkHeaderValue("Cache-Control", value);
  const directives = new Map<string, string | null>();
  const duplicates = new Set<string>();
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && (isOws(value.charCodeAt(i)) || value.charCodeAt(i) === 0x2c)) i += 1;
    if (i >= n) break;
    const nameStart = i;
    while (i < n && isTchar(value.charCodeAt(i))) i += 1;
    if (i === nameStart) throw headerError("has a bad directive name", value);
    const name = value.slice(nameStart, i).toLowerCase();
    let argument: string | null = null;
    if (value.charCodeAt(i) === 0x3d) {
      i += 1;
      if (value.charCodeAt(i) === 0x22) {
        const quoted = readQuoted(value, i);
        argument = quoted.text;
        i = quoted.end;
      } else {
        const argStart = i;
        while (i < n && isTchar(value.charCodeAt(i))) i += 1;
        if (i === argStart) throw headerError(`has an empty argument for ${name}`, value);
        argument = value.slice(argStart, i);
      }
    }
    while (i < n && isOws(value.charCodeAt(i))) i += 1;
    if (i < n && value.charCodeAt(i) !== 0x2c)
      throw headerError("has text after a directive", value);
    if (directives.has(name)) duplicates.add(name);
    else directives.set(name, argument);
  }

  let maxAge: number | undefined;
  if (directives.has("max-age")) {
    if (duplicates.has("max-age")) throw headerError("repeats max-age", value);
    const argument = directives.get("max-age");
    if (argument === null || argument === undefined) {
      throw headerError("has max-age without a value", value);
    }
    maxAge = parseDeltaSeconds(argument);
  }
  return {
    directives,
    duplicates,
    maxAge,
    noCache: directives.has("no-cache"),
    noStore: directives.has("no-store"),
  };
}
