/** `@dsim/sim-server`: the deterministic world that `@dsim/core` components run in. */

export * from "./etcd/index.js";
export * from "./faults/index.js";
export * from "./grpc/index.js";
export * from "./http/index.js";
export * from "./kernel/index.js";
export * from "./net/index.js";
export * from "./sockets/index.js";
export * from "./wire/index.js";
