import {
  MAX_HEADER_VALUE_LENGTH,
  MAX_JWKS_BYTES,
  MAX_JWKS_CONTAINERS,
  MAX_JWKS_DEPTH,
  MAX_JWKS_KEYS,
  parseCacheControl,
  parseHttpDate,
  parseJwks,
  remainingFreshnessMs,
} from "@dsim/core";
import type { Bench } from "./registry.js";

/** One hostile (or largest accepted) input and the call that parses it. */
interface Case {
  readonly name: string;
  readonly input: string;
  readonly parse: (input: string) => unknown;
}

function headers(name: string, value: string): { get(header: string): string | null } {
  return {
    get: (header) =>
      header === name ? value : header === "cache-control" && name === "age" ? "max-age=60" : null,
  };
}

function keys(n: number): string {
  return JSON.stringify({
    keys: Array.from({ length: n }, (_, i) => ({ kty: "oct", kid: `k${i}` })),
  });
}

function cases(): Case[] {
  const nest = (depth: number): string =>
    `{"keys":[{"kty":"oct","x":${"[".repeat(depth)}${"]".repeat(depth)}}]}`;
  const fill = (prefix: string, size: number, suffix: string): string =>
    `${prefix}${"a".repeat(Math.max(0, size - prefix.length - suffix.length))}${suffix}`;
  return [
    {
      name: "Cache-Control: 1 MB quoted string (issue 13: 280-480 ms)",
      input: `private="${"a".repeat(1_000_000)}"`,
      parse: parseCacheControl,
    },
    {
      name: "Cache-Control: quoted string at the header limit",
      input: fill('max-age=60, private="', MAX_HEADER_VALUE_LENGTH, '"'),
      parse: parseCacheControl,
    },
    {
      name: "Age: 1 MB of commas (issue 13: 81-131 ms)",
      input: ",".repeat(1_000_000),
      parse: (input) => remainingFreshnessMs(headers("age", input), 0),
    },
    {
      name: "HTTP-date: 1 MB of spaces",
      input: " ".repeat(1_000_000),
      parse: parseHttpDate,
    },
    {
      name: "JWKS: 1 MiB deep nesting (issue 13: 0.5-0.8 s)",
      input: nest(1_048_576),
      parse: parseJwks,
    },
    {
      name: "JWKS: 200 000 keys (issue 13: 392 ms)",
      input: keys(200_000),
      parse: parseJwks,
    },
    {
      name: `JWKS: nesting just over the depth limit (${MAX_JWKS_DEPTH + 1})`,
      input: nest(MAX_JWKS_DEPTH + 1),
      parse: parseJwks,
    },
    {
      name: `JWKS: ${MAX_JWKS_KEYS} keys (the key limit)`,
      input: keys(MAX_JWKS_KEYS),
      parse: parseJwks,
    },
    {
      name: "JWKS: 128 KiB of empty arrays (refused: object/array limit)",
      input: `{"keys":[{"kty":"oct","x":[${Array.from({ length: Math.floor((MAX_JWKS_BYTES - 40) / 3) }, () => "[]").join(",")}]}]}`,
      parse: parseJwks,
    },
    {
      name: `JWKS: ${MAX_JWKS_CONTAINERS - 4} empty arrays (just under the object/array limit)`,
      input: `{"keys":[{"kty":"oct","x":[${Array.from({ length: MAX_JWKS_CONTAINERS - 4 }, () => "[]").join(",")}]}]}`,
      parse: parseJwks,
    },
    {
      name: "JWKS: body at the byte limit",
      input: fill('{"keys":[{"kty":"oct","k":"', MAX_JWKS_BYTES, '"}]}'),
      parse: parseJwks,
    },
  ];
}

/** Median wall ms of `repeat` calls; a call that throws (the typed error) counts like one that returns. */
function time(
  parse: (input: string) => unknown,
  input: string,
  repeat: number,
): { ms: number; outcome: string } {
  const samples: number[] = [];
  let outcome = "ok";
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    try {
      parse(input);
      outcome = "ok";
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      outcome = typeof code === "string" ? code : error instanceof Error ? error.name : "thrown";
    }
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)] ?? Number.NaN, outcome };
}

/**
 * The refresh parsers on the hostile inputs of issue 13 and on the largest inputs they accept:
 * median wall time per call (after a warm-up call) and what the call returned or threw. Each
 * should stay under a few ms: the limits refuse what is too large before any work grows with it.
 */
export const parsersBench: Bench = {
  description: "refresh parsers on hostile inputs (issue 13) and at their size limits: ms per call",
  async run({ quick, log }) {
    const repeat = quick ? 5 : 21;
    log(`parsers: ${repeat} calls per input (median)…`);
    return cases().map(({ name, input, parse }) => {
      // One warm-up call, so the median measures compiled code.
      time(parse, input, 1);
      const { ms, outcome } = time(parse, input, repeat);
      return { input: name, chars: input.length, outcome, medianMs: Number(ms.toFixed(3)) };
    });
  },
};
