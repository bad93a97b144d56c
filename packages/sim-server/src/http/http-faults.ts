/**
 * Faults the fake HTTP server can apply to one response. Plain data, so a scenario's fault plan
 * can carry them and a failure report can print them.
 */
export type HttpFault =
  /** Swallow the request: no response ever (the client's timeout must end it). */
  | { readonly kind: "drop" }
  /** Answer only after `ms` more milliseconds. */
  | { readonly kind: "delay"; readonly ms: number }
  /** Answer with this 5xx status and a short text body. */
  | { readonly kind: "status"; readonly status: number }
  /** Answer 200 with a body that is not valid JSON. */
  | { readonly kind: "malformed-json" }
  /** Send the headers (with the full Content-Length) and half the body, then close. */
  | { readonly kind: "truncated" }
  /** Answer 200 with a body padded to `bytes` bytes. */
  | { readonly kind: "oversized"; readonly bytes: number }
  /** Send the body in `chunks` pieces, `chunkDelayMs` apart. */
  | { readonly kind: "slow-body"; readonly chunks: number; readonly chunkDelayMs: number }
  /** Reset the connection instead of answering. */
  | { readonly kind: "reset" }
  /** Replace (or add) these response header lines; an empty value list removes the field. */
  | { readonly kind: "headers"; readonly set: Readonly<Record<string, readonly string[]>> };

/** Every fault kind, for arbitraries and reports. */
export const HTTP_FAULT_KINDS = [
  "drop",
  "delay",
  "status",
  "malformed-json",
  "truncated",
  "oversized",
  "slow-body",
  "reset",
  "headers",
] as const satisfies readonly HttpFault["kind"][];
