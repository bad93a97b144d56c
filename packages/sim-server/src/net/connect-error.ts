import type { ConnectErrorShape } from "./contracts.js";

/** Why a virtual connect failed; `code` follows Node's socket errors. */
export class ConnectError extends Error implements ConnectErrorShape {
  readonly code: ConnectErrorShape["code"];

  constructor(
    code: ConnectErrorShape["code"],
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    // Node names an aborted operation's error "AbortError"; callers test either name or code.
    this.name = code === "ABORT_ERR" ? "AbortError" : "ConnectError";
  }
}
