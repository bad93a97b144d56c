/**
 * `@dsim/core`: client resilience components with injected time, randomness and transports.
 *
 * Every module re-exports its public names explicitly from its own `index.ts`.
 */
export * from "./conn/index.js";
export * from "./errors.js";
export * from "./lease/index.js";
export * from "./log/index.js";
export * from "./random/index.js";
export * from "./refresh/index.js";
export * from "./retry/index.js";
export * from "./sync/index.js";
export * from "./time/index.js";
export * from "./validate.js";
