import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/** A held lock on one worktree slot; `release()` frees it. */
export interface SlotLock {
  /** The slot's directory (the scratch worktree's path). */
  readonly dir: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryLock(file: string): boolean {
  try {
    const fd = openSync(file, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // A lock whose owner died (killed runner) is stale: take it over.
  const owner = Number(readFileSync(file, "utf8"));
  if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) return false;
  rmSync(file, { force: true });
  return tryLock(file);
}

/**
 * Takes `count` free slots `job-k` under `workdir` (lowest k first), so that two `pnpm mutants`
 * running at once on one machine never share a scratch worktree. A slot is held by an exclusive
 * `job-k.lock` file with the owner's pid; locks of dead owners are taken over.
 */
export function lockSlots(workdir: string, count: number): SlotLock[] {
  mkdirSync(workdir, { recursive: true });
  const locks: SlotLock[] = [];
  for (let k = 0; locks.length < count; k += 1) {
    const file = join(workdir, `job-${k}.lock`);
    if (!tryLock(file)) continue;
    locks.push({ dir: join(workdir, `job-${k}`), release: () => rmSync(file, { force: true }) });
  }
  return locks;
}
