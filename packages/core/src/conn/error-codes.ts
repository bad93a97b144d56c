/** Error codes raised by the connection manager (`core/conn`). Owned by the conn module. */
export type ConnErrorCode = "GRPC_STATUS";
