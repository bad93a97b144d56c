/**
 * etcd's request/lease ID generator (`idutil.Generator`): the member ID's low 16 bits as a prefix,
 * then a 40-bit suffix seeded from the start time (ms << 8) that increments per ID. Lease IDs are
 * the generated value with the sign bit cleared, so they are always positive (never 0 in practice;
 * a 0 is skipped).
 */
export class IdGenerator {
  readonly #prefix: bigint;
  #suffix: bigint;

  constructor(memberId: bigint, startMs: number) {
    this.#prefix = (memberId & 0xffffn) << 48n;
    this.#suffix = (BigInt(Math.max(0, Math.floor(startMs))) << 8n) & ((1n << 40n) - 1n);
  }

  /** The next positive 63-bit ID. */
  next(): bigint {
    for (;;) {
      this.#suffix += 1n;
      const id = (this.#prefix | (this.#suffix & ((1n << 48n) - 1n))) & ((1n << 63n) - 1n);
      if (id !== 0n) return id;
    }
  }
}
