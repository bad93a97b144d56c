import type { HttpResponseLike } from "./http-client.js";
import { raceSignal } from "./race-signal.js";
import { RefreshError } from "./refresh-error.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function tooLarge(url: string, size: number | string, maxBytes: number): RefreshError {
  return new RefreshError(
    "BODY_TOO_LARGE",
    `body of ${url} is ${size} bytes, more than the maximum of ${maxBytes}`,
    { url },
  );
}

/**
 * Reads a response body as UTF-8 text, refusing bodies larger than `maxBytes`: first from
 * `Content-Length` (before reading anything), then from the bytes really received (a server may
 * lie or omit the header). Invalid UTF-8 is a `BODY_INVALID` error rather than silently replaced.
 *
 * @throws RefreshError `BODY_TOO_LARGE` or `BODY_INVALID`; the signal's reason when it aborts.
 */
export async function readBody(
  url: string,
  response: HttpResponseLike,
  maxBytes: number,
  signal: AbortSignal,
): Promise<string> {
  const declared = response.headers.get("content-length");
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > maxBytes) {
    throw tooLarge(url, declared.trim(), maxBytes);
  }
  if (typeof response.arrayBuffer === "function") {
    const bytes = await raceSignal(response.arrayBuffer(), signal);
    if (bytes.byteLength > maxBytes) throw tooLarge(url, bytes.byteLength, maxBytes);
    try {
      return utf8.decode(bytes);
    } catch (error) {
      throw new RefreshError("BODY_INVALID", `body of ${url} is not UTF-8`, { url, cause: error });
    }
  }
  if (typeof response.text === "function") {
    const text = await raceSignal(response.text(), signal);
    // Cheap upper bound first: a UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > maxBytes) {
      const size = encoder.encode(text).byteLength;
      if (size > maxBytes) throw tooLarge(url, size, maxBytes);
    }
    return text;
  }
  throw new RefreshError("BODY_INVALID", `response for ${url} has no arrayBuffer() or text()`, {
    url,
  });
}
