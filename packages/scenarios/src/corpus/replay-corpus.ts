import { combineDigests } from "../runner/digest.js";
import { systemWallClock, type WallClock } from "../runner/execute-case.js";
import { replayCase } from "../runner/replay-case.js";
import { formatReplayCommand } from "../runner/replay-command.js";
import type { Suite } from "../runner/suite.js";
import type { SuiteResult } from "../runner/types.js";
import type { StoredCorpusEntry } from "./corpus-store.js";

/** The report row name of a corpus entry: `corpus/<file name without .json>`. */
export function corpusRowName(file: string): string {
  return `corpus/${file.replace(/\.json$/, "")}`;
}

/**
 * Replays one corpus entry as its own report row. The saved case is a regression test: it must
 * PASS now (the bug it caught is fixed and must stay fixed). A replay that fails again fails the
 * row with the case's current invariant; an entry whose path no longer selects a case (the suite's
 * arbitrary changed) fails as `corpus.stale`, because a regression test that silently stops
 * testing anything is worse than a red one.
 */
export async function replayCorpusEntry(
  suite: Suite<unknown>,
  stored: StoredCorpusEntry,
  options: { readonly wallClock?: WallClock } = {},
): Promise<SuiteResult> {
  const wallClock = options.wallClock ?? systemWallClock;
  const { entry, file } = stored;
  const started = wallClock();
  const replay = formatReplayCommand({
    suite: suite.name,
    seed: entry.seed,
    path: entry.path,
    ...(suite.demo === true ? { demo: true } : {}),
    ...(suite.source === undefined ? {} : { suites: suite.source }),
  });
  const base = {
    name: corpusRowName(file),
    seed: entry.seed,
    firstRun: 0,
    plannedRuns: 1,
    interrupted: false,
    corpus: file,
  };
  try {
    const result = await replayCase(suite, {
      seed: entry.seed,
      path: entry.path,
      wallClock,
    });
    const record = {
      simSeed: result.simSeed,
      digest: result.digest,
      simulatedMs: result.simulatedMs,
      wallMs: result.wallMs,
    };
    return {
      ...base,
      runs: 1,
      failures: result.failed ? 1 : 0,
      digest: combineDigests([result.digest]),
      runDigests: [result.digest],
      runRecords: [record],
      simulatedMs: result.simulatedMs,
      wallMs: wallClock() - started,
      ...(result.failed
        ? {
            failure: {
              seed: entry.seed,
              path: entry.path,
              simSeed: result.simSeed,
              plan: result.plan,
              invariant: result.invariant ?? "unknown",
              message: `regression: the saved case fails again (${result.message ?? ""})`,
              details: result.details ?? {},
              digest: result.digest,
              shrinks: 0,
              shrinkTruncated: false,
              replay,
            },
          }
        : {}),
    };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      ...base,
      runs: 0,
      failures: 1,
      digest: combineDigests([]),
      runDigests: [],
      runRecords: [],
      simulatedMs: 0,
      wallMs: wallClock() - started,
      failure: {
        seed: entry.seed,
        path: entry.path,
        simSeed: 0,
        plan: entry.plan ?? null,
        invariant: "corpus.stale",
        message: `${file} no longer names a case of ${suite.name}: ${error.message}; re-save or delete it`,
        details: { file },
        digest: entry.digest,
        shrinks: 0,
        shrinkTruncated: false,
        replay,
      },
    };
  }
}

/**
 * Replays the corpus entries of the selected suites, in file-name order, and returns one row per
 * entry plus the entries that name a suite outside the registry (the caller warns about them).
 * Entries of suites that exist but are not selected are skipped silently.
 */
export async function replayCorpus(
  selected: readonly Suite<unknown>[],
  registry: readonly Suite<unknown>[],
  entries: readonly StoredCorpusEntry[],
  options: { readonly wallClock?: WallClock } = {},
): Promise<{ readonly rows: SuiteResult[]; readonly unknown: StoredCorpusEntry[] }> {
  const rows: SuiteResult[] = [];
  const unknown: StoredCorpusEntry[] = [];
  for (const stored of entries) {
    const suite = selected.find((candidate) => candidate.name === stored.entry.suite);
    if (suite === undefined) {
      if (!registry.some((candidate) => candidate.name === stored.entry.suite)) {
        unknown.push(stored);
      }
      continue;
    }
    rows.push(await replayCorpusEntry(suite, stored, options));
  }
  return { rows, unknown };
}
