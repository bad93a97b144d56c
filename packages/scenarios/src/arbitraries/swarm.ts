import fc from "fast-check";

/**
 * One run's fault mix (swarm testing, Groce et al. 2012): which fault kinds this run may use, how
 * often each is drawn relative to the others, and how many faults it may have. A fixed mix puts a
 * little of everything in every run, so faults that mask each other (a partition that hides a
 * GOAWAY bug) are almost always together; a swarm gives some runs none of a kind and others many.
 */
export interface SwarmProfile<K extends string> {
  /** The kinds this run may draw, in the order the kinds were given. */
  readonly enabled: readonly K[];
  /** Relative weight of each enabled kind, in `[1, maxWeight]`. */
  readonly weights: { readonly [kind in K]?: number };
  /** Upper bound on the number of faults of this run, in `[0, maxFaults]`. */
  readonly maxFaults: number;
}

/** Options of {@link swarmProfile} and {@link swarmFaults}. */
export interface SwarmOptions {
  /** Most faults one run may have (the plan's `maxLength`). */
  readonly maxFaults: number;
  /** Largest relative weight of a kind; default 8 (1 = every enabled kind equally likely). */
  readonly maxWeight?: number;
}

function validate<K extends string>(kinds: readonly K[], options: SwarmOptions): number {
  if (kinds.length === 0) throw new RangeError("swarm needs at least one fault kind");
  if (new Set(kinds).size !== kinds.length)
    throw new RangeError("swarm fault kinds must be unique");
  if (!Number.isSafeInteger(options.maxFaults) || options.maxFaults < 0) {
    throw new RangeError(`maxFaults must be a non-negative integer, got ${options.maxFaults}`);
  }
  const maxWeight = options.maxWeight ?? 8;
  if (!Number.isSafeInteger(maxWeight) || maxWeight < 1) {
    throw new RangeError(`maxWeight must be a positive integer, got ${maxWeight}`);
  }
  return maxWeight;
}

/**
 * Draws a {@link SwarmProfile}: an enable flag per kind (each on with probability ½), a weight per
 * kind and a fault budget. Shrinking turns kinds off and weights and budget down, so a shrunk
 * counterexample needs as few kinds of fault as possible.
 */
export function swarmProfile<K extends string>(
  kinds: readonly K[],
  options: SwarmOptions,
): fc.Arbitrary<SwarmProfile<K>> {
  const maxWeight = validate(kinds, options);
  // Unbiased integers: fast-check's default bias towards small values would make nearly every
  // run's budget tiny, defeating the point of runs with many faults.
  const flag = fc.record({
    on: fc.boolean(),
    weight: fc.noBias(fc.integer({ min: 1, max: maxWeight })),
  });
  return fc
    .record({
      flags: fc.array(flag, { minLength: kinds.length, maxLength: kinds.length }),
      maxFaults: fc.noBias(fc.integer({ min: 0, max: options.maxFaults })),
    })
    .map(({ flags, maxFaults }) => {
      const enabled: K[] = [];
      const weights: { [kind in K]?: number } = {};
      kinds.forEach((kind, index) => {
        const drawn = flags[index];
        if (drawn?.on === true) {
          enabled.push(kind);
          weights[kind] = drawn.weight;
        }
      });
      return { enabled, weights, maxFaults };
    });
}

/**
 * A fault plan generated swarm-style: first a {@link swarmProfile}, then up to `maxFaults` faults
 * drawn only from the enabled kinds, each kind as likely as its weight. `kinds` maps a kind name
 * to the arbitrary of one fault of that kind (the same ones a suite's fixed mix would `oneof`).
 * Returns the profile with the faults, so a report can say which mix found the bug; the plan
 * itself is `faults`, unsorted (sort by `at` as the suite does).
 */
export function swarmFaults<K extends string, F>(
  kinds: { readonly [kind in K]: fc.Arbitrary<F> },
  options: SwarmOptions,
): fc.Arbitrary<{ readonly profile: SwarmProfile<K>; readonly faults: readonly F[] }> {
  const names = Object.keys(kinds) as K[];
  return swarmProfile(names, options).chain((profile) => {
    const choices: fc.WeightedArbitrary<F>[] = profile.enabled.map((kind) => ({
      arbitrary: kinds[kind],
      weight: profile.weights[kind] ?? 1,
    }));
    const faults: fc.Arbitrary<readonly F[]> =
      choices.length === 0 || profile.maxFaults === 0
        ? fc.constant<readonly F[]>([])
        : fc.array<F>(fc.oneof(...choices), { maxLength: profile.maxFaults, size: "max" });
    return faults.map((list) => ({ profile, faults: list }));
  });
}
