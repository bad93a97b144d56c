/**
 * Run seeds: the integer a user or CI hands to `dsim run --seed`, and how it maps onto the two
 * seeds a run needs — fast-check's (a 32-bit integer that names the generated cases) and each
 * case's simulation seed (a uint32 for the world's random streams).
 *
 * Any safe integer is a run seed (CI run ids exceed 32 bits). A seed in the signed 32-bit range is
 * used as is, so every `{seed, path}` printed before large seeds existed still replays. Any other
 * seed is mixed into a 32-bit fast-check seed (fast-check truncates seeds to 32 bits, which made
 * 4294967295 and −1 one run set) AND into every simulation seed of its run set, so two distinct
 * run seeds never share a run set even when their mixed fast-check seeds collide.
 */

/** Smallest accepted run seed: −(2^53 − 1). */
export const MIN_RUN_SEED = -Number.MAX_SAFE_INTEGER;
/** Largest accepted run seed: 2^53 − 1, the largest integer a JSON report holds exactly. */
export const MAX_RUN_SEED = Number.MAX_SAFE_INTEGER;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

/** SplitMix64's finaliser: a bijective 64-bit mix with full avalanche. */
function mix64(value: bigint): bigint {
  let z = (value + GOLDEN) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** True for a run seed that fast-check takes as is (the seeds of every earlier report). */
function isLegacySeed(seed: number): boolean {
  return seed >= INT32_MIN && seed <= INT32_MAX;
}

/**
 * Checks a run seed.
 *
 * @throws TypeError when it is not an integer in [{@link MIN_RUN_SEED}, {@link MAX_RUN_SEED}].
 */
export function validateRunSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(
      `seed must be an integer in [${MIN_RUN_SEED}, ${MAX_RUN_SEED}], got ${String(seed)}`,
    );
  }
}

/** The 32-bit seed handed to fast-check for the run seed `seed`. */
export function fastCheckSeed(seed: number): number {
  if (isLegacySeed(seed)) return seed;
  return Number(BigInt.asIntN(32, mix64(BigInt.asUintN(64, BigInt(seed))) >> 32n));
}

/**
 * The simulation seed of one case: the uint32 fast-check generated for it, mixed with the run seed
 * when that seed is outside the signed 32-bit range.
 */
export function worldSeed(seed: number, generated: number): number {
  if (isLegacySeed(seed)) return generated;
  const runSeed = mix64(BigInt.asUintN(64, BigInt(seed)));
  return Number(mix64(runSeed ^ BigInt(generated >>> 0)) >> 32n);
}
