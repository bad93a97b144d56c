import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", cwd, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** The result of applying a patch: applied, or the reason `git apply` refused it. */
export type ApplyResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * A scratch git worktree at a fixed commit that mutants are applied to one after another (reset,
 * then apply), so a catalog run creates at most one worktree per job. Dependencies are not
 * installed there: the worktree links the repository's root `node_modules` and copies each
 * package's `node_modules` symlinks verbatim, so `@dsim/core` resolves to the worktree's own
 * (patched) sources while third-party packages come from the repository's store.
 */
export class ScratchWorktree {
  readonly #repo: string;
  readonly #base: string;
  /** The worktree's directory. */
  readonly dir: string;

  /**
   * @param repo - the repository root (the main worktree).
   * @param dir - where the scratch worktree lives (created when missing, reused otherwise).
   * @param base - the full commit id every mutant applies to.
   */
  constructor(repo: string, dir: string, base: string) {
    this.#repo = repo;
    this.dir = dir;
    this.#base = base;
  }

  /** Creates the worktree (or reuses the one already there) and resets it to the base commit. */
  async prepare(): Promise<void> {
    if (!existsSync(join(this.dir, ".git"))) {
      // A worktree whose directory was deleted stays registered until pruned.
      await git(this.#repo, ["worktree", "prune"]);
      await git(this.#repo, ["worktree", "add", "--force", "--detach", this.dir, this.#base]);
    }
    this.#linkDependencies();
    await this.reset();
  }

  /** Back to the pristine base commit: tracked files restored, untracked files removed. */
  async reset(): Promise<void> {
    await git(this.dir, ["checkout", "--quiet", "--force", "--detach", this.#base]);
    await git(this.dir, ["reset", "--quiet", "--hard"]);
    // Ignored files (reports) and the dependency links stay; anything a patch created goes.
    // The root node_modules is a symlink, which .gitignore's "node_modules/" does not match.
    await git(this.dir, ["clean", "-fdq", "-e", "node_modules"]);
  }

  /** Resets, then applies `patchFile`; a patch that does not apply leaves the tree pristine. */
  async apply(patchFile: string): Promise<ApplyResult> {
    await this.reset();
    try {
      await git(this.dir, ["apply", "--check", patchFile]);
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      return { ok: false, message: String(stderr ?? error).trim() };
    }
    await git(this.dir, ["apply", patchFile]);
    return { ok: true };
  }

  #linkDependencies(): void {
    const rootModules = join(this.#repo, "node_modules");
    const here = join(this.dir, "node_modules");
    if (existsSync(rootModules) && !existsSync(here)) symlinkSync(rootModules, here, "dir");
    const packages = join(this.#repo, "packages");
    for (const name of readdirSync(packages)) {
      const from = join(packages, name, "node_modules");
      const to = join(this.dir, "packages", name, "node_modules");
      if (!existsSync(from) || existsSync(to) || !existsSync(join(this.dir, "packages", name))) {
        continue;
      }
      // pnpm's links are relative (../../../node_modules/.pnpm/…, ../../core): copied verbatim
      // they point into this worktree, whose root node_modules is the repository's.
      copyVerbatim(from, to);
    }
  }
}

/** Copies a directory tree, symlinks as symlinks with their target text unchanged. */
function copyVerbatim(from: string, to: string): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) copyVerbatim(join(from, name), join(to, name));
  } else {
    copyFileSync(from, to);
  }
}

/** The full commit id of `rev` in `repo`. */
export async function resolveCommit(repo: string, rev: string): Promise<string> {
  return (await git(repo, ["rev-parse", "--verify", `${rev}^{commit}`])).trim();
}

/** The root of the repository that contains `dir`. */
export async function repositoryRoot(dir: string): Promise<string> {
  return (await git(dir, ["rev-parse", "--show-toplevel"])).trim();
}
