import { checkHeaderValue } from "./header-value.js";
import { RefreshError } from "./refresh-error.js";

/**
 * A strict HTTP-date parser (RFC 9110 §5.6.7). `Date.parse` is not used because it accepts far
 * too much (`"0"`, `"2099"`, local-time asctime, `PST`), and an `Expires` value it misreads turns
 * into a refresh schedule that is wrong by hours or years.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

// Day names are matched but not checked against the date: origin servers get the weekday wrong
// far more often than the date, and the RFC only asks recipients to parse the three formats.
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function daysInMonth(year: number, monthIndex: number): number {
  if (monthIndex === 1) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][monthIndex] ?? 0;
}

function invalid(value: string): RefreshError {
  return new RefreshError(
    "HEADER_INVALID",
    `not an HTTP-date: ${JSON.stringify(value.slice(0, 64))}`,
  );
}

function build(
  value: string,
  year: number,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): number {
  const monthIndex = MONTHS.indexOf(month);
  const d = Number(day.trim());
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  // Seconds may be 60 for a leap second (RFC 9110 allows it); it rolls into the next minute.
  if (monthIndex < 0 || d < 1 || d > daysInMonth(year, monthIndex) || h > 23 || mi > 59 || s > 60) {
    throw invalid(value);
  }
  const date = new Date(0);
  // setUTCFullYear instead of Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, monthIndex, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/**
 * Parses an HTTP-date in any of its three formats: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
 * the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
 * (`Sun Nov  6 08:49:37 1994`, read as UTC). Surrounding whitespace is ignored; nothing else is.
 *
 * A two-digit RFC 850 year is read as 1969–2068 (the cut-off Go's `net/http` uses), which needs no
 * wall clock.
 *
 * @returns milliseconds since the Unix epoch.
 * @throws RefreshError with code `HEADER_INVALID` when `value` is not an HTTP-date (or not a
 * string, or longer than `MAX_HEADER_VALUE_LENGTH`).
 */
export function parseHttpDate(value: string): number {
  const text = checkHeaderValue("HTTP-date", value).trim();
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) {
    const [, , day = "", month = "", year = "", h = "", mi = "", s = ""] = m;
    return build(value, Number(year), month, day, h, mi, s);
  }
  m = RFC850_DATE.exec(text);
  if (m !== null) {
    const [, , day = "", month = "", yy = "", h = "", mi = "", s = ""] = m;
    const twoDigit = Number(yy);
    return build(value, twoDigit >= 69 ? 1900 + twoDigit : 2000 + twoDigit, month, day, h, mi, s);
  }
  m = ASCTIME_DATE.exec(text);
  if (m !== null) {
    const [, , month = "", day = "", h = "", mi = "", s = "", year = ""] = m;
    return build(value, Number(year), month, day, h, mi, s);
  }
  throw invalid(value);
}

/**
 * Formats epoch milliseconds as an IMF-fixdate, the form servers must send. Used by the fake
 * server and by tests; sub-second parts are dropped.
 *
 * @throws RangeError when `ms` is not a finite time in years 0–9999.
 */
export function formatHttpDate(ms: number): string {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`"ms" must be a time in years 0-9999, got ${String(ms)}`);
  }
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  // getUTCDay is 0 for Sunday; SHORT_DAYS starts on Monday.
  const dayName = SHORT_DAYS[(date.getUTCDay() + 6) % 7] ?? "Mon";
  const month = MONTHS[date.getUTCMonth()] ?? "Jan";
  return `${dayName}, ${pad(date.getUTCDate())} ${month} ${pad(year, 4)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} GMT`;
}
