import { formatHttpDate } from "@dsim/core";
import type { HeaderField } from "@dsim/sim-server";
import fc from "fast-check";
import { lifetimeSeconds } from "./durations.js";

/**
 * How a `max-age` directive is spelled. Every spelling means the same lifetime (RFC 9111 §5.2:
 * names are case-insensitive, arguments may be quoted; a list field may span several lines).
 */
export type MaxAgeSpelling = "plain" | "upper" | "quoted" | "split-lines";

/** How `Expires` is written: the three HTTP-date formats recipients must accept (RFC 9110 §5.6.7). */
export type DateFormat = "imf" | "rfc850" | "asctime";

/** What caching headers the fake server sends for one URL (the oracle reads the same template). */
export type HeaderTemplate =
  | { readonly kind: "none" }
  | {
      readonly kind: "max-age";
      readonly seconds: number;
      readonly age: number;
      readonly spelling: MaxAgeSpelling;
      /** An `s-maxage` for shared caches, which a private client ignores; `null` for none. */
      readonly sMaxAge: number | null;
    }
  | {
      readonly kind: "expires";
      readonly seconds: number;
      readonly age: number;
      readonly format: DateFormat;
    }
  /** Both `max-age` and `Expires`: max-age wins (RFC 9111 §5.3). */
  | { readonly kind: "both"; readonly maxAge: number; readonly expires: number }
  | { readonly kind: "no-cache" }
  /** `no-store` beside a `max-age` that must not be used. */
  | { readonly kind: "no-store"; readonly maxAge: number }
  | { readonly kind: "invalid"; readonly value: string };

/** Generates header templates, with lifetimes from seconds to months. */
export const headerTemplateArbitrary: fc.Arbitrary<HeaderTemplate> = fc.oneof(
  fc.constant({ kind: "none" } as const),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("max-age" as const),
      seconds: lifetimeSeconds(0, 90),
      age: fc.integer({ min: 0, max: 30 }),
      spelling: fc.constantFrom<MaxAgeSpelling>("plain", "plain", "upper", "quoted", "split-lines"),
      sMaxAge: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null, freq: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("expires" as const),
      seconds: fc.oneof(fc.integer({ min: -30, max: 0 }), lifetimeSeconds(1, 90)),
      age: fc.integer({ min: 0, max: 20 }),
      format: fc.constantFrom<DateFormat>("imf", "rfc850", "asctime"),
    }),
  },
  fc.record({
    kind: fc.constant("both" as const),
    maxAge: lifetimeSeconds(0, 90),
    expires: fc.integer({ min: 0, max: 600 }),
  }),
  fc.constant({ kind: "no-cache" } as const),
  fc.record({ kind: fc.constant("no-store" as const), maxAge: fc.integer({ min: 20, max: 600 }) }),
  fc.record({
    kind: fc.constant("invalid" as const),
    value: fc.constantFrom("max-age=-1", "max-age=5, max-age=50", 'max-age="40', "max-age=1.5"),
  }),
);

const LONG_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** Formats epoch ms in the requested HTTP-date format (the fake server's side; whole seconds). */
export function formatDate(ms: number, format: DateFormat): string {
  const imf = formatHttpDate(ms);
  if (format === "imf") return imf;
  // "Sun, 06 Nov 1994 08:49:37 GMT" → its parts, reused for the two obsolete forms.
  const [, day = "", month = "", year = "", time = ""] = imf.split(" ");
  const date = new Date(ms);
  if (format === "rfc850") {
    const weekday = LONG_DAYS[(date.getUTCDay() + 6) % 7] ?? "Monday";
    return `${weekday}, ${day}-${month}-${year.slice(2)} ${time} GMT`;
  }
  const short = imf.slice(0, 3);
  return `${short} ${month} ${String(date.getUTCDate()).padStart(2, " ")} ${time} ${year}`;
}

function maxAgeFields(seconds: number, spelling: MaxAgeSpelling, sMaxAge: number | null) {
  const extra = sMaxAge === null ? "" : `, s-maxage=${sMaxAge}`;
  switch (spelling) {
    case "plain":
      return [["Cache-Control", `public, max-age=${seconds}${extra}`]] as HeaderField[];
    case "upper":
      return [["Cache-Control", `Public, Max-Age=${seconds}${extra}`]] as HeaderField[];
    case "quoted":
      return [["Cache-Control", `public, max-age="${seconds}"${extra}`]] as HeaderField[];
    case "split-lines":
      return [
        ["Cache-Control", `public${extra}`],
        ["Cache-Control", `max-age=${seconds}`],
      ] as HeaderField[];
  }
}

/** The caching header lines for `template` on a response sent at epoch ms `nowMs`. */
export function headerFields(template: HeaderTemplate, nowMs: number): HeaderField[] {
  const dateMs = Math.floor(nowMs / 1_000) * 1_000;
  const date: HeaderField = ["Date", formatHttpDate(dateMs)];
  switch (template.kind) {
    case "none":
      return [date];
    case "max-age":
      return [
        date,
        ...maxAgeFields(template.seconds, template.spelling, template.sMaxAge),
        ["Age", String(template.age)],
      ];
    case "expires":
      return [
        date,
        ["Expires", formatDate(dateMs + template.seconds * 1_000, template.format)],
        ["Age", String(template.age)],
      ];
    case "both":
      return [
        date,
        ["Cache-Control", `max-age=${template.maxAge}`],
        ["Expires", formatHttpDate(dateMs + template.expires * 1_000)],
      ];
    case "no-cache":
      return [date, ["Cache-Control", "no-cache"]];
    case "no-store":
      return [date, ["Cache-Control", `no-store, max-age=${template.maxAge}`]];
    case "invalid":
      return [date, ["Cache-Control", template.value]];
  }
}
