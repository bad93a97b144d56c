/**
 * The only source of randomness for every component in `@dsim/core`.
 *
 * Production code receives the system implementation; the simulation passes a seeded PRNG so a
 * run is a pure function of its seed.
 */
export interface Random {
  /** A uniformly distributed number in [0, 1). */
  next(): number;
}
