import { createHash } from "node:crypto";

/**
 * Combines the ordered trace digests of a suite's runs into one suite digest: SHA-256 hex over the
 * digests joined by newlines. Order matters on purpose: the same seed must give the same runs in
 * the same order, and a reordering is a determinism bug worth seeing.
 */
export function combineDigests(digests: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(`dsim-suite-digest/v1\n${digests.length}\n`);
  for (const digest of digests) hash.update(`${digest}\n`);
  return hash.digest("hex");
}
