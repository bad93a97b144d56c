export {
  abortReason,
  isAbortError,
  isTimeoutError,
  throwIfAborted,
  timeoutError,
} from "./abort.js";
export { anySignal, type LinkedSignal } from "./any-signal.js";
export type { Clock, TimerHandle } from "./clock.js";
export { sleep, sleepUntil } from "./sleep.js";
export { systemClock } from "./system-clock.js";
export { deadlineSignal, type TimeoutSignal, timeoutSignal } from "./timeout-signal.js";
export { normalizeTimerDelay } from "./timer-delay.js";
