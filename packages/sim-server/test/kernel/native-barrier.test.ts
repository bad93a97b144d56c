import nodeCrypto, { pbkdf2 as esmPbkdf2 } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/index.js";

/** Large enough that hashing it takes real milliseconds, far longer than a 1-byte digest. */
const BIG = new Uint8Array(32 * 1024 * 1024);
const SMALL = new Uint8Array(1);

/**
 * Starts `jobs` digests of alternating sizes (big first) at t=0 while a world timer ticks every
 * virtual ms, and records each completion and tick in the trace.
 */
async function digestRun(seed: number, install: (sim: Simulation) => Disposable) {
  const sim = new Simulation({ seed });
  const completions: Array<{ job: number; at: number }> = [];
  {
    using _barrier = install(sim);
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      sim.trace.record("test", "tick", { n: ticks });
      if (ticks < 50) sim.clock.setTimeout(tick, 1);
    };
    sim.clock.setTimeout(tick, 1);
    const jobs = Array.from({ length: 6 }, (_, job) =>
      crypto.subtle.digest("SHA-256", job % 2 === 0 ? BIG : SMALL).then((hash) => {
        completions.push({ job, at: sim.now() });
        sim.trace.record("test", "digest", { job, first: new Uint8Array(hash)[0] ?? -1 });
      }),
    );
    let done = false;
    void Promise.all(jobs).then(() => {
      done = true;
    });
    await sim.runUntil(() => done && ticks === 50, { timeoutMs: 1_000 });
  }
  await sim.close();
  return { completions, digest: sim.trace.digest() };
}

describe("native barrier", () => {
  it("holds virtual time while WebCrypto work runs and delivers results in start order", async () => {
    const { completions } = await digestRun(1, (sim) => sim.installGlobals());
    // All six finished before the first 1 ms tick, in the order they were started, although
    // the 1-byte digests finish on the thread pool long before the 32 MiB ones.
    expect(completions).toEqual([0, 1, 2, 3, 4, 5].map((job) => ({ job, at: 0 })));
  });

  it("gives the same trace digest on every run", async () => {
    const digests = new Set<string>();
    for (let run = 0; run < 3; run++) {
      digests.add((await digestRun(7, (sim) => sim.installNativeBarrier())).digest);
    }
    expect(digests.size).toBe(1);
  });

  it("holds node:crypto and node:zlib callbacks (ESM bindings too) and restores them", async () => {
    const originals = [nodeCrypto.pbkdf2, zlib.gzip, crypto.subtle.digest];
    const sim = new Simulation({ seed: 3 });
    const log: string[] = [];
    {
      using _barrier = sim.installNativeBarrier();
      expect(nodeCrypto.pbkdf2).not.toBe(originals[0]);
      sim.clock.setTimeout(() => log.push(`tick @${sim.now()}`), 1);
      esmPbkdf2("pw", "salt", 200_000, 32, "sha256", (error, key) => {
        log.push(`pbkdf2 ${error === null} ${key.length} @${sim.now()}`);
      });
      zlib.gzip(Buffer.from("x"), (error, out) => {
        log.push(`gzip ${error === null} ${zlib.gunzipSync(out).toString()} @${sim.now()}`);
      });
      nodeCrypto.randomBytes(8, (error, bytes) => {
        log.push(`randomBytes ${error === null} ${bytes.length} @${sim.now()}`);
      });
      // The synchronous forms are untouched; validation still throws at the call.
      expect(nodeCrypto.randomBytes(4).length).toBe(4);
      expect(() => nodeCrypto.pbkdf2("pw", "salt", -1, 32, "sha256", () => {})).toThrow(RangeError);
      await sim.runFor(2);
    }
    expect(log).toEqual([
      "pbkdf2 true 32 @0",
      "gzip true x @0",
      "randomBytes true 8 @0",
      "tick @1",
    ]);
    expect([nodeCrypto.pbkdf2, zlib.gzip, crypto.subtle.digest]).toEqual(originals);
    expect(sim.realIo.openCount).toBe(0);
    await sim.close();
  });

  it("refuses a second barrier while one is installed", () => {
    const sim = new Simulation({ seed: 4 });
    using _barrier = sim.installNativeBarrier();
    expect(() => sim.installNativeBarrier()).toThrow(/already installed/);
  });
});
