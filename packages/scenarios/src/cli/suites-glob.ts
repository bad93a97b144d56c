import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** True when a `--suites` value is a pattern rather than one file. */
export function isGlob(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

/**
 * Turns a glob into a regular expression over `/`-separated relative paths: `**` spans
 * directories, `*` and `?` stay inside one path segment, `{a,b}` is an alternative. Enough for
 * suite files (`suites/*.suite.ts`, `**\/*.suite.{ts,js}`) without a dependency.
 */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === "*" && pattern.charAt(i + 1) === "*") {
      const slash = pattern.charAt(i + 2) === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (char === "*") {
      out += "[^/]*";
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "{") {
      out += "(?:";
    } else if (char === "}") {
      out += ")";
    } else if (char === ",") {
      out += "|";
    } else {
      out += char.replace(/[.+^$()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${out}$`);
}

/** The directory part of a pattern before its first glob character: where the walk starts. */
function globBase(pattern: string): string {
  const parts = pattern.split("/");
  const fixed: string[] = [];
  for (const part of parts) {
    if (isGlob(part)) break;
    fixed.push(part);
  }
  return fixed.length === parts.length ? parts.slice(0, -1).join("/") : fixed.join("/");
}

async function walk(dir: string, found: string[]): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    // Dependencies and hidden directories never hold the user's suites.
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile()) found.push(path);
  }
}

/**
 * The files under `cwd` that match `pattern` (relative to `cwd`, or absolute), as the pattern
 * spells them (relative paths keep a leading `./` when the pattern has one), sorted so the suite
 * order never depends on the file system.
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const dotSlash = pattern.startsWith("./");
  const normalized = dotSlash ? pattern.slice(2) : pattern;
  const absolute = normalized.startsWith("/");
  const base = globBase(normalized);
  const root = absolute ? base || "/" : join(cwd, base);
  const files: string[] = [];
  await walk(root, files);
  const matcher = globToRegExp(normalized);
  const matched: string[] = [];
  for (const file of files) {
    const spelled = absolute ? file : relative(cwd, file).split(sep).join("/");
    if (matcher.test(spelled)) matched.push(dotSlash ? `./${spelled}` : spelled);
  }
  return matched.sort();
}
