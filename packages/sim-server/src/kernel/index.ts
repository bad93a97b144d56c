export { canonicalJson } from "./canonical-json.js";
export type { OwnedClock, SeededRandom, TraceEvent, TraceValue } from "./contracts.js";
export type { KernelErrorCode } from "./error-codes.js";
export {
  type GlobalFetchOptions,
  installGlobalFetch,
  VirtualFetchTargetError,
} from "./global-fetch.js";
export { installNativeBarrier } from "./native-barrier.js";
export { type RealIoHandle, RealIoTracker } from "./real-io.js";
export { hashName, Sfc32Random } from "./seeded-random.js";
export {
  type InstallGlobalsOptions,
  type RunUntilIdleOptions,
  type RunUntilOptions,
  Simulation,
  type SimulationOptions,
} from "./simulation.js";
export { isSimulationError, SimulationError } from "./simulation-error.js";
export { MAX_TIMER_DELAY_MS, normalizeDelay } from "./timer-delay.js";
export { Trace, type TraceListener, type TraceOptions } from "./trace.js";
export { createTraceLogger } from "./trace-logger.js";
export { type ClampListener, type Scheduler, VirtualClock } from "./virtual-clock.js";
