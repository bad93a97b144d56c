/**
 * `pnpm bench [--json] [--only kernel,conn] [--quick] [--real]` — runs the registered benchmarks
 * (opt-in ones, which need real processes, only when named or with `--real`).
 *
 * `--json` prints ONE JSON object `{ "<name>": <result>, … }` on stdout and nothing else; the
 * default prints a readable table per benchmark. Exit 0 on success, 1 when a benchmark throws,
 * 2 on usage errors.
 */
import { formatResult } from "./format.js";
import { BENCHES, type BenchValue } from "./registry.js";

interface CliOptions {
  readonly json: boolean;
  readonly quick: boolean;
  readonly only: readonly string[];
  readonly help: boolean;
}

function usage(): string {
  const names = Object.entries(BENCHES)
    .map(([name, bench]) => `  ${name.padEnd(10)} ${bench.description}`)
    .join("\n");
  return `usage: pnpm bench [--json] [--only name,name] [--quick] [--real]\n\nbenchmarks:\n${names}\n`;
}

function parse(args: readonly string[]): CliOptions {
  let json = false;
  let quick = false;
  let help = false;
  let real = false;
  let only: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") json = true;
    else if (arg === "--quick") quick = true;
    else if (arg === "--real") real = true;
    else if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--only" || arg?.startsWith("--only=")) {
      const value = arg === "--only" ? args[++i] : arg.slice("--only=".length);
      if (value === undefined || value === "")
        throw new TypeError("--only needs a comma-separated list");
      // `etcd-real` names the `etcdReal` key.
      only = value
        .split(",")
        .map((name) => name.trim().replace(/-(\w)/g, (_, c: string) => c.toUpperCase()));
      const unknown = only.filter((name) => !(name in BENCHES));
      if (unknown.length > 0) throw new TypeError(`unknown benchmark(s): ${unknown.join(", ")}`);
    } else if (arg !== "--") throw new TypeError(`unknown argument: ${String(arg)}`);
  }
  only ??= Object.keys(BENCHES).filter((name) => real || BENCHES[name]?.optIn !== true);
  return { json, quick, only, help };
}

async function main(args: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parse(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage()}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(usage());
    return 0;
  }
  const results: Record<string, BenchValue> = {};
  const log = options.json ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  for (const name of options.only) {
    const bench = BENCHES[name];
    if (bench === undefined) continue;
    try {
      results[name] = await bench.run({ quick: options.quick, log });
    } catch (error) {
      process.stderr.write(
        `benchmark ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return 1;
    }
    if (!options.json) process.stdout.write(`${formatResult(name, results[name] ?? null)}\n`);
  }
  if (options.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
