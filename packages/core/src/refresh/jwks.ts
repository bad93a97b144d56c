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
 * Parses a JWKS document. Rejects non-JSON, a non-object top level, a missing or non-array
 * `keys`, non-object entries, entries without a non-empty string `kty`, and `kid`/`use`/`alg`
 * that are present but not strings. An empty `keys` array is accepted (a key set being rotated can
 * be empty, and serving it is better than serving keys the issuer has withdrawn).
 *
 * @returns a deeply frozen key set: it is shared by every caller of the refresher.
 * @throws RefreshError with code `BODY_INVALID`.
 */
export function parseJwks(body: string): JsonWebKeySet {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    throw invalid("not JSON", error);
  }
  if (!isPlainObject(document)) throw invalid("the top level is not an object");
  const keys = document.keys;
  if (!Array.isArray(keys)) throw invalid('"keys" is missing or not an array');
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
