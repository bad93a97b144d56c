import { constants } from "node:os";

/** The socket error codes virtual sockets produce (Node's names). */
export type SocketErrorCode =
  | "ECONNREFUSED"
  | "ECONNRESET"
  | "ETIMEDOUT"
  | "EPIPE"
  | "ENOTFOUND"
  | "ENODATA"
  | "EPROTONOSUPPORT";

/**
 * An error shaped like the ones Node's `net` module emits: `message` reads
 * `"<syscall> <code> <address>:<port>"`, plus `code`, `errno` (negative, as libuv reports it),
 * `syscall` and, when known, `address`/`port` (or `hostname` for lookups). Code that handles real
 * socket errors by `code` handles these the same way.
 */
export class VirtualSocketError extends Error {
  /** Node's error code. */
  readonly code: SocketErrorCode;
  /** The negative errno libuv reports for `code` (0 for the DNS codes, which have none). */
  readonly errno: number;
  /** The system call Node names: `connect`, `read`, `write`, `getaddrinfo`, `queryTxt`. */
  readonly syscall: string;
  /** Remote IP address, when the error concerns one. */
  readonly address?: string;
  /** Remote port, when the error concerns one. */
  readonly port?: number;
  /** The looked-up name (`getaddrinfo`/`queryTxt`). */
  readonly hostname?: string;

  constructor(
    code: SocketErrorCode,
    syscall: string,
    target: { readonly address?: string; readonly port?: number; readonly hostname?: string },
    detail?: string,
  ) {
    const where =
      target.hostname !== undefined
        ? ` ${target.hostname}`
        : target.address !== undefined
          ? ` ${target.address}${target.port === undefined ? "" : `:${target.port}`}`
          : "";
    super(`${syscall} ${code}${where}${detail === undefined ? "" : ` (${detail})`}`);
    this.name = "Error";
    this.code = code;
    this.syscall = syscall;
    const errno = (constants.errno as Record<string, number | undefined>)[code];
    this.errno = errno === undefined ? 0 : -errno;
    if (target.address !== undefined) this.address = target.address;
    if (target.port !== undefined) this.port = target.port;
    if (target.hostname !== undefined) this.hostname = target.hostname;
  }
}
