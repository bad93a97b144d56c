import { describe, expect, test } from "vitest";
import { replayCase } from "../runner/replay-case.js";
import type { Suite } from "../runner/suite.js";

/**
 * A misbehaviour of a client you did not write that the simulation reproduces, pinned: the case
 * `{suite, seed, path}` must keep failing with `invariant`. Its test fails when the behaviour
 * changes — fixed upstream (the case passes) or failing differently (another invariant) — so the
 * pin and the findings table are updated deliberately, never silently.
 */
export interface KnownFailure {
  /** The npm client and the exact version the finding was made with. */
  readonly client: string;
  readonly version: string;
  /** What goes wrong, in one line. */
  readonly summary: string;
  /** The suite's name and the case that shows it (as printed by `dsim run`). */
  readonly suite: string;
  readonly seed: number;
  readonly path: string;
  /** The invariant the case breaks. */
  readonly invariant: string;
  /** The upstream report, or "not reported". */
  readonly upstream: string;
}

/** Options of {@link dsimKnownFailures}. */
export interface DsimKnownFailuresOptions {
  /** Where the findings are written up, named in the message when a pin breaks. */
  readonly findingsDoc?: string;
  /** vitest's timeout per test in wall ms (default 60 000). */
  readonly timeout?: number;
}

/**
 * Registers one vitest test per pinned known failure, titled `known failure: …` (CI counts those
 * apart from passes): each replays its case and passes only while the case still breaks the named
 * invariant.
 *
 * @example
 * ```ts
 * dsimKnownFailures("jose", suites, KNOWN_FAILURES, { findingsDoc: "docs/findings.md" });
 * ```
 */
export function dsimKnownFailures(
  label: string,
  suites: readonly Suite<unknown>[],
  pins: readonly KnownFailure[],
  options: DsimKnownFailuresOptions = {},
): void {
  const where = options.findingsDoc ?? "the findings table";
  describe(`${label} known failures (pinned; ${where})`, () => {
    for (const known of pins) {
      test(
        `known failure: ${known.client} ${known.version} ${known.suite} breaks ${known.invariant}`,
        async () => {
          const suite = suites.find((candidate) => candidate.name === known.suite);
          expect(suite, `no suite ${known.suite}`).toBeDefined();
          if (suite === undefined) return;
          const replayed = await replayCase(suite, { seed: known.seed, path: known.path });
          expect(
            replayed.failed ? replayed.invariant : "passed",
            `${known.summary} — behaviour changed; update the pin and ${where}`,
          ).toBe(known.invariant);
        },
        options.timeout ?? 60_000,
      );
    }
  });
}
