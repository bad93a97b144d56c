import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { type MutantHeader, PatchHeaderError, parsePatchHeader } from "./patch-header.js";

/** One patch of the catalog. */
export interface MutantPatch extends MutantHeader {
  /** Absolute path of the `.patch` file. */
  readonly file: string;
}

/** Where the catalog lives, relative to the repository root. */
export const CATALOG_DIR = "packages/scenarios/mutants";

/**
 * Reads every `<suite>/<id>.patch` under `<root>/packages/scenarios/mutants`, for the given suites
 * (all suites when `suites` is empty), sorted by suite then id.
 *
 * @throws PatchHeaderError for a malformed header, a file name that differs from its `Id`, a patch
 * filed under another suite's folder, or an unknown suite asked for.
 */
export async function loadCatalog(
  root: string,
  suites: readonly string[] = [],
): Promise<MutantPatch[]> {
  const dir = join(root, CATALOG_DIR);
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const suite of suites) {
    if (!folders.includes(suite)) {
      throw new RangeError(`no mutants for suite "${suite}" (have: ${folders.join(", ")})`);
    }
  }
  const chosen = suites.length === 0 ? folders : folders.filter((f) => suites.includes(f));
  const patches: MutantPatch[] = [];
  for (const folder of chosen) {
    const names = (await readdir(join(dir, folder))).filter((n) => n.endsWith(".patch")).sort();
    for (const name of names) {
      const file = join(dir, folder, name);
      const shown = relative(root, file);
      const header = parsePatchHeader(await readFile(file, "utf8"), shown);
      if (`${header.id}.patch` !== name) {
        throw new PatchHeaderError(shown, `Id "${header.id}" does not match the file name`);
      }
      if (header.suite !== folder) {
        throw new PatchHeaderError(shown, `Suite "${header.suite}" filed under "${folder}/"`);
      }
      patches.push({ ...header, file });
    }
  }
  return patches;
}
