/**
 * gRPC status codes (`grpc/grpc doc/statuscodes.md`). A const object rather than a TS `enum` so
 * that it erases cleanly under `verbatimModuleSyntax` and stays a plain number on the wire.
 */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code. Codes outside 0..16 received from a peer are mapped to UNKNOWN. */
export type Status = (typeof Status)[keyof typeof Status];

const names: readonly string[] = Object.keys(Status);

/** The canonical name of a status code, e.g. `"UNAVAILABLE"`. */
export function statusName(status: Status): string {
  return names[status] ?? "UNKNOWN";
}

/** Maps a number received from a peer to a {@link Status}; anything unknown becomes UNKNOWN. */
export function toStatus(code: number): Status {
  return Number.isInteger(code) && code >= 0 && code <= 16 ? (code as Status) : Status.UNKNOWN;
}
