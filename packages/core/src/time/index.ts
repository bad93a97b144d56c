export type { Clock, TimerHandle } from "./clock.js";
