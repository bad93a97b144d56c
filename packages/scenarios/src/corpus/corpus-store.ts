import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTextFile } from "../cli/io.js";
import { type CorpusEntry, corpusFileName, parseCorpusEntry } from "./corpus-entry.js";

/** The committed regression corpus: `packages/scenarios/corpus/`, wherever `dsim` runs from. */
export const DEFAULT_CORPUS_DIR: string = fileURLToPath(new URL("../../corpus/", import.meta.url));

/** A corpus entry and the file it came from. */
export interface StoredCorpusEntry {
  /** The file name, without directory (the row name in reports). */
  readonly file: string;
  readonly entry: CorpusEntry;
}

/**
 * Reads every `*.json` file of `dir`, sorted by name so replay order never depends on the file
 * system. A missing directory is an empty corpus; a malformed file throws (see
 * {@link parseCorpusEntry}).
 */
export async function loadCorpus(dir: string): Promise<StoredCorpusEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw error;
  }
  const files = names.filter((name) => name.endsWith(".json")).sort();
  const entries: StoredCorpusEntry[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), "utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new TypeError(
        `corpus file ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    entries.push({ file, entry: parseCorpusEntry(value, file) });
  }
  return entries;
}

/** The `*.json` file names in `dir` (none when it does not exist). */
export async function corpusFiles(dir: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(dir)).filter((name) => name.endsWith(".json")));
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return new Set();
    throw error;
  }
}

/**
 * Writes `entry` to `dir` as pretty JSON under {@link corpusFileName}. Returns the path written and
 * whether the file is new (saving a failure the corpus already holds rewrites identical content).
 */
export async function saveCorpusEntry(
  dir: string,
  entry: CorpusEntry,
  existing: ReadonlySet<string> = new Set(),
): Promise<{ readonly path: string; readonly added: boolean }> {
  const file = corpusFileName(entry);
  const path = join(dir, file);
  await writeTextFile(path, `${JSON.stringify(entry, null, 2)}\n`);
  return { path, added: !existing.has(basename(path)) };
}
