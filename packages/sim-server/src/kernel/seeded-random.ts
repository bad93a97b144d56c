import type { SeededRandom } from "./contracts.js";

const TWO_POW_32 = 4_294_967_296;

/** splitmix32's finaliser: spreads a 32-bit input over all output bits. */
function mix32(input: number): number {
  let z = input | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * MurmurHash3 (x86, 32-bit) over the UTF-16 code units of `text`, seeded with `seed`. Used to
 * derive a fork's seed from (parent seed, name) so the result never depends on draw counts.
 */
export function hashName(seed: number, text: string): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  return mix32(h);
}

function requireSeed(seed: number): number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new RangeError(`seed must be an integer in [0, 2^32), received ${String(seed)}`);
  }
  return seed;
}

/**
 * A seeded random stream: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit
 * state) whose state is filled from the uint32 seed by splitmix32. Fast, well tested (PractRand),
 * and trivially portable, which is what a replayable simulation needs.
 *
 * `fork(name)` hashes (this seed, name) into the child's seed, so a child stream is the same no
 * matter how many numbers the parent drew, and forking the same name twice gives the same stream.
 */
export class Sfc32Random implements SeededRandom {
  /** The uint32 seed this stream started from. */
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.seed = requireSeed(seed);
    let s = seed;
    const nextSeed = (): number => {
      s = (s + 0x9e3779b9) | 0;
      return mix32(s);
    };
    this.#a = nextSeed();
    this.#b = nextSeed();
    this.#c = nextSeed();
    this.#d = 1;
    // sfc32's authors discard the first outputs so that similar seeds diverge fully.
    for (let i = 0; i < 12; i++) this.nextUint32();
    this.next = this.next.bind(this);
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer in [min, max); both must be safe integers with min < max. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min >= max) {
      throw new RangeError(
        `int(min, max) needs safe integers with min < max, received ${String(min)}, ${String(max)}`,
      );
    }
    return min + Math.floor(this.next() * (max - min));
  }

  /** A float in [min, max); both finite with min <= max. */
  between(min: number, max: number): number {
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new RangeError(
        `between(min, max) needs finite numbers with min <= max, received ${String(min)}, ${String(max)}`,
      );
    }
    return min + this.next() * (max - min);
  }

  /** True with probability `p` in [0, 1]. Always draws one number, so `p` never shifts the stream. */
  chance(p: number): boolean {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`chance(p) needs p in [0, 1], received ${String(p)}`);
    }
    return this.next() < p;
  }

  /** The child stream named `name` (see the class comment). */
  fork(name: string): Sfc32Random {
    if (typeof name !== "string") {
      throw new TypeError(`fork(name) needs a string, received ${typeof name}`);
    }
    return new Sfc32Random(hashName(this.seed, name));
  }
}
