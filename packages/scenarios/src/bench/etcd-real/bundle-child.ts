/**
 * The benchmark's child as one plain JavaScript file, so the measured process runs compiled code
 * as production does. Under tsx, a module-loader thread and the esbuild service it talks to (which
 * pings it every second) live inside the child and their work, collections included, would be
 * charged to the client in the window.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The part of esbuild's API used here (esbuild comes with tsx, which runs the benchmarks). */
interface Esbuild {
  build(options: {
    readonly entryPoints: readonly string[];
    readonly outfile: string;
    readonly bundle: true;
    readonly platform: "node";
    readonly format: "esm";
    readonly target: string;
    readonly external: readonly string[];
    readonly logLevel: "silent";
  }): Promise<unknown>;
}

/** Packages left to Node: CommonJS clients, resolved from this package's `node_modules`. */
const EXTERNAL = ["@grpc/grpc-js", "etcd3"];

/**
 * Bundles `child.ts` with everything it imports but {@link EXTERNAL} (core's TypeScript source
 * included) into `node_modules/.cache/dsim-etcd-real/child.mjs` of this package and returns its
 * path. Clients are imported lazily by the child, so a child still loads only its own.
 */
export async function bundleChild(): Promise<string> {
  const esbuild = createRequire(import.meta.resolve("tsx"))("esbuild") as Esbuild;
  const outfile = fileURLToPath(
    new URL("../../../node_modules/.cache/dsim-etcd-real/child.mjs", import.meta.url),
  );
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("./child.ts", import.meta.url))],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    logLevel: "silent",
  });
  return outfile;
}
