/** Codes carried by {@link WireError}. Owned by the wire module. */
export type WireErrorCode =
  /** Advancing the simulation along wall time failed (a timer threw, a livelock…). */
  | "DRIVER_FAILED"
  /** A real socket could not be bound. */
  | "BIND_FAILED"
  /** A control request named an unknown fault or carried invalid parameters. */
  | "BAD_FAULT"
  /** The wire server was closed. */
  | "CLOSED";
