import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "./usage.js";

/** The `code` of a Node file-system error (`ENOTDIR`, `EACCES`…), or its message. */
function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : String(error);
}

/** Rejects after `ms` with a usage error: a path on a hung mount must not hang the CLI. */
function withinTime<T>(flag: string, path: string, work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UsageError(`${flag}: "${path}" did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const CHECK_TIMEOUT_MS = 5_000;

/**
 * `mkdir -p` one level at a time. Node's `mkdir(…, { recursive: true })` never settles for some
 * paths (under `/proc`, it loops on ENOENT), so the missing levels are found with `stat` first.
 */
async function makeDirectories(path: string): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(path); ; ) {
    try {
      await stat(current);
      break;
    } catch (error) {
      if (reason(error) !== "ENOENT") throw error;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (error) {
      if (reason(error) !== "EEXIST") throw error;
    }
  }
}

async function ensureDirectory(flag: string, path: string): Promise<void> {
  try {
    await makeDirectories(path);
  } catch (error) {
    throw new UsageError(`${flag}: cannot create directory "${path}" (${reason(error)})`);
  }
  let isDirectory = false;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new UsageError(`${flag}: cannot use "${path}" (${reason(error)})`);
  }
  if (!isDirectory) throw new UsageError(`${flag}: "${path}" is not a directory`);
  try {
    await access(path, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag}: directory "${path}" is not writable (${reason(error)})`);
  }
}

/**
 * Checks, before any run starts, that `path` is a writable directory, creating it (and its
 * parents) when missing: a report that cannot be written must fail in the first second, not after
 * an hour of runs.
 *
 * @throws UsageError naming `flag`.
 */
export function prepareOutputDir(flag: string, path: string): Promise<void> {
  if (path === "") return Promise.reject(new UsageError(`${flag}: needs a directory`));
  return withinTime(flag, path, ensureDirectory(flag, path), CHECK_TIMEOUT_MS);
}

async function ensureFile(flag: string, path: string): Promise<void> {
  await ensureDirectory(flag, dirname(path));
  let existing: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    existing = await stat(path);
  } catch (error) {
    if (reason(error) !== "ENOENT") {
      throw new UsageError(`${flag}: cannot use "${path}" (${reason(error)})`);
    }
  }
  // A directory, FIFO or device is not a file to overwrite (a FIFO would block the write).
  if (existing !== undefined && !existing.isFile()) {
    throw new UsageError(`${flag}: "${path}" exists and is not a regular file`);
  }
  if (existing !== undefined) {
    try {
      await access(path, constants.W_OK);
    } catch (error) {
      throw new UsageError(`${flag}: "${path}" is not writable (${reason(error)})`);
    }
  }
}

/**
 * Checks, before any run starts, that the file `path` can be written: its directory exists or can
 * be created and is writable, and `path` is not an existing directory or special file.
 *
 * @throws UsageError naming `flag`.
 */
export function prepareOutputFile(flag: string, path: string): Promise<void> {
  if (path === "") return Promise.reject(new UsageError(`${flag}: needs a file name`));
  return withinTime(flag, path, ensureFile(flag, path), CHECK_TIMEOUT_MS);
}

/**
 * Checks that `path` is an existing, readable directory (an explicit `--corpus` that is missing is
 * a typo, not an empty corpus).
 *
 * @throws UsageError naming `flag`.
 */
export async function requireInputDir(flag: string, path: string): Promise<void> {
  if (path === "") throw new UsageError(`${flag}: needs a directory`);
  let isDirectory = false;
  try {
    isDirectory = (await withinTime(flag, path, stat(path), CHECK_TIMEOUT_MS)).isDirectory();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag}: cannot read directory "${path}" (${reason(error)})`);
  }
  if (!isDirectory) throw new UsageError(`${flag}: "${path}" is not a directory`);
}
