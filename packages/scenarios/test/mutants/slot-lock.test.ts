import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { lockSlots } from "../../src/mutants/slot-lock.js";

const dirs: string[] = [];
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dsim-slots-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("two runners at once get different worktree slots; a released slot is free again", () => {
  const dir = workdir();
  const first = lockSlots(dir, 2);
  const second = lockSlots(dir, 1);
  expect(first.map((s) => s.dir)).toEqual([join(dir, "job-0"), join(dir, "job-1")]);
  expect(second.map((s) => s.dir)).toEqual([join(dir, "job-2")]);
  first[0]?.release();
  expect(lockSlots(dir, 1).map((s) => s.dir)).toEqual([join(dir, "job-0")]);
});

it("takes over the slot of a runner that died without releasing it", () => {
  const dir = workdir();
  // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
  writeFileSync(join(dir, "job-0.lock"), String(2 ** 22 + 1));
  writeFileSync(join(dir, "job-1.lock"), String(process.pid));
  expect(lockSlots(dir, 1).map((s) => s.dir)).toEqual([join(dir, "job-0")]);
});
