/** `@dsim/sim-server`: the deterministic world that `@dsim/core` components run in. */
export * from "./kernel/index.js";
export * from "./net/index.js";
