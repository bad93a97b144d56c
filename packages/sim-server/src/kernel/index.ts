export type { OwnedClock, SeededRandom, TraceEvent, TraceValue } from "./contracts.js";
