import { EtcdMessage, etcdMessageCode, type GrpcStatusLike } from "@dsim/core";

/** The etcd error names this fake can raise (keys of core's `EtcdMessage`). */
export type EtcdErrorName = keyof typeof EtcdMessage;

/**
 * A failure of the fake etcd, carrying the gRPC status code and etcd's exact message, as the real
 * server sends them (`rpctypes.ErrGRPC…`). Transports turn it into a gRPC status.
 */
export class EtcdStatusError extends Error implements GrpcStatusLike {
  /** The gRPC status code. */
  readonly code: number;
  /** The status message, exactly as etcd sends it. */
  readonly details: string;
  /** Which etcd error this is. */
  readonly etcdError: EtcdErrorName;

  constructor(name: EtcdErrorName) {
    const details = EtcdMessage[name];
    super(details);
    this.name = "EtcdStatusError";
    this.code = etcdMessageCode[name];
    this.details = details;
    this.etcdError = name;
  }
}

/** A plain gRPC status failure that is not one of etcd's named errors (e.g. a closing transport). */
export class EtcdTransportError extends Error implements GrpcStatusLike {
  readonly code: number;
  readonly details: string;

  constructor(code: number, details: string) {
    super(details);
    this.name = "EtcdTransportError";
    this.code = code;
    this.details = details;
  }
}
