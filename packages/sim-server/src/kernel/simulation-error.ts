import type { KernelErrorCode } from "./error-codes.js";

/**
 * A failure of a simulated run: a livelock, a stall, a timeout, a failed task or timer callback.
 *
 * It mirrors `DsimError` from `@dsim/core` (a literal `code` and a `cause`) but is its own class:
 * core's code union cannot name kernel codes without core depending on sim-server.
 */
export class SimulationError extends Error {
  /** A stable, machine-readable code. */
  readonly code: KernelErrorCode;
  /** Virtual time (ms) at which the failure was detected. */
  readonly at: number;

  constructor(
    code: KernelErrorCode,
    message: string,
    at: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.at = at;
    this.name = "SimulationError";
  }
}

/** True when `error` is a {@link SimulationError}, optionally with the given code. */
export function isSimulationError(
  error: unknown,
  code?: KernelErrorCode,
): error is SimulationError {
  return error instanceof SimulationError && (code === undefined || error.code === code);
}
