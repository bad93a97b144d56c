/**
 * A V8 CPU profile of the benchmark's window only. `node --cpu-prof` would profile the child's whole
 * life, where tsx's transpilation, the 1 000 grants and the end-of-run gateway check drown the
 * keep-alive path; the inspector's profiler is started at the window's start and stopped at its end.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

/** A running window profile; `stop` writes it and resolves with the file's path. */
export interface WindowProfile {
  stop(): Promise<string>;
}

/**
 * Starts profiling now. The sampling interval is V8's default for `--cpu-prof` (1 ms), so the
 * profile is comparable with one taken that way.
 */
export async function startWindowProfile(dir: string, name: string): Promise<WindowProfile> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 1000 });
  await session.post("Profiler.start");
  return {
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${name}.cpuprofile`);
      await writeFile(path, JSON.stringify(profile));
      return path;
    },
  };
}
