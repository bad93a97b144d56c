import { describeValue } from "../validate.js";
import { RefreshError } from "./refresh-error.js";

/**
 * One JSON Web Key as published in a JWKS (RFC 7517). Only `kty` is required; the other members
 * are kept as they came, because key import belongs to a crypto library (e.g. `jose`).
 */
export interface JsonWebKey {
  /** Key type, e.g. `RSA`, `EC`, `OKP`, `oct`. */
  readonly kty: string;
  /** Key id, used to pick a key for a token. */
  readonly kid?: string;
  /** Intended use, e.g. `sig`. */
  readonly use?: string;
  /** Algorithm, e.g. `RS256`. */
  readonly alg?: string;
  /** Every other member, unvalidated. */
  readonly [member: string]: unknown;
}

/** A JSON Web Key Set: `{"keys": [...]}`. */
export interface JsonWebKeySet {
  readonly keys: readonly JsonWebKey[];
}

function invalid(message: string, cause?: unknown): RefreshError {
  return new RefreshError("BODY_INVALID", `invalid JWKS: ${message}`, { cause });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const OPTIONAL_STRING_MEMBERS = ["kid", "use", "alg"] as const;

/**
 * Largest JWKS body {@link parseJwks} reads: 128 KiB. Real key sets are a few KiB (a 4096-bit RSA
 * key with its certificate chain is a few KiB of JSON); the limit keeps a hostile body from
 * costing more than a few ms. Measured in UTF-16 code units, at most the body's byte length.
 */
export const MAX_JWKS_BYTES = 131_072;
/** Deepest nesting of arrays and objects in a JWKS: 32 (a key set needs 3, RSA-OTH 5). */
export const MAX_JWKS_DEPTH = 32;
/** Most keys in a JWKS: 256 (issuers publish a handful, rotated). */
export const MAX_JWKS_KEYS = 256;
/**
 * Most objects and arrays in a JWKS: 2 048 (a key is one object, plus an `x5c` or `oth` array).
 * Parsing and freezing cost grows with them; a body of empty arrays would otherwise hold ~40 000.
 */
export const MAX_JWKS_CONTAINERS = 2_048;

/**
 * One linear pass over `body` counting objects and arrays outside strings: the deepest nesting and
 * how many there are, stopping once either is past its limit. A body over a limit is refused
 * before `JSON.parse` builds it.
 */
function measureNesting(body: string): { readonly depth: number; readonly containers: number } {
  let depth = 0;
  let deepest = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      containers += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_JWKS_DEPTH || containers > MAX_JWKS_CONTAINERS) break;
    } else if (code === 0x5d || code === 0x7d) {
      depth -= 1;
    }
  }
  return { depth: deepest, containers };
}

/**
 * Parses a JWKS document. Rejects non-JSON, a non-object top level, a missing or non-array
 * `keys`, non-object entries, entries without a non-empty string `kty`, and `kid`/`use`/`alg`
 * that are present but not strings. An empty `keys` array is accepted (a key set being rotated can
 * be empty, and serving it is better than serving keys the issuer has withdrawn).
 *
 * Size limits keep every call cheap on hostile input: a body over {@link MAX_JWKS_BYTES} is
 * `BODY_TOO_LARGE`; nesting deeper than {@link MAX_JWKS_DEPTH}, more than
 * {@link MAX_JWKS_CONTAINERS} objects and arrays, or more than {@link MAX_JWKS_KEYS} keys is
 * `BODY_INVALID`; each error names its limit.
 *
 * @returns a deeply frozen key set: it is shared by every caller of the refresher.
 * @throws RefreshError with code `BODY_INVALID` (also for a non-string body) or `BODY_TOO_LARGE`.
 */
export function parseJwks(body: string): JsonWebKeySet {
  if (typeof body !== "string") {
    throw invalid(`the body must be a string, got ${describeValue(body)}`);
  }
  if (body.length > MAX_JWKS_BYTES) {
    throw new RefreshError(
      "BODY_TOO_LARGE",
      `invalid JWKS: ${body.length} characters, over the ${MAX_JWKS_BYTES} bytes limit`,
    );
  }
  const nesting = measureNesting(body);
  if (nesting.depth > MAX_JWKS_DEPTH) {
    throw invalid(`nesting depth over the limit of ${MAX_JWKS_DEPTH}`);
  }
  if (nesting.containers > MAX_JWKS_CONTAINERS) {
    throw invalid(`more than the limit of ${MAX_JWKS_CONTAINERS} objects and arrays`);
  }
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    throw invalid("not JSON", error);
  }
  if (!isPlainObject(document)) throw invalid("the top level is not an object");
  const keys = document.keys;
  if (!Array.isArray(keys)) throw invalid('"keys" is missing or not an array');
  if (keys.length > MAX_JWKS_KEYS) {
    throw invalid(`${keys.length} keys, over the limit of ${MAX_JWKS_KEYS} keys`);
  }
  keys.forEach((key: unknown, index) => {
    if (!isPlainObject(key)) throw invalid(`keys[${index}] is not an object`);
    if (typeof key.kty !== "string" || key.kty.length === 0) {
      throw invalid(`keys[${index}] has no "kty"`);
    }
    for (const member of OPTIONAL_STRING_MEMBERS) {
      if (member in key && typeof key[member] !== "string") {
        throw invalid(`keys[${index}].${member} is not a string`);
      }
    }
  });
  return deepFreeze({ keys: keys as JsonWebKey[] });
}

// Iterative so that a deeply nested (hostile) member cannot overflow the stack.
function deepFreeze<T>(root: T): T {
  const pending: unknown[] = [root];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const child of Object.values(value)) pending.push(child);
    }
  }
  return root;
}
