import type { Random } from "./random.js";

/**
 * The real source of randomness (`Math.random`). This is the one place in `@dsim/core` where
 * ambient randomness is allowed; components receive it only when production code passes it in.
 */
export const systemRandom: Random = Object.freeze({
  next(): number {
    return Math.random();
  },
});
