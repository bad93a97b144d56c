import type { Metadata } from "../../conn/metadata.js";

/** Header values as `node:http2` delivers them. */
export type IncomingHeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** gRPC status codes this module produces itself. */
const UNKNOWN = 2;
const INTERNAL = 13;
const UNIMPLEMENTED = 12;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

const HEX = /^[0-9a-fA-F]{2}$/;
const utf8 = new TextEncoder();

/**
 * Decodes a `grpc-message` value (PROTOCOL-HTTP2.md: percent-encoded UTF-8). The spec asks
 * receivers to be lenient: a `%` not followed by two hex digits is kept literally, and invalid
 * UTF-8 becomes U+FFFD instead of failing the call.
 */
export function decodeGrpcMessage(value: string): string {
  if (!value.includes("%")) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; ) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === "%" && HEX.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
      continue;
    }
    const codePoint = value.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    for (const byte of utf8.encode(char)) bytes.push(byte);
    i += char.length;
  }
  return new TextDecoder("utf-8").decode(new Uint8Array(bytes));
}

/**
 * Converts received headers into gRPC {@link Metadata}: pseudo-headers and the transport's own
 * fields are left out; every value becomes a list.
 */
export function toMetadata(headers: IncomingHeaderValues): Metadata {
  const metadata: Record<string, readonly string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || key.startsWith(":")) continue;
    if (key === "grpc-status" || key === "grpc-message" || key === "content-type") continue;
    metadata[key] = typeof value === "string" ? [value] : [...value];
  }
  return metadata;
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

/** A gRPC status read from headers or trailers. */
export interface ReceivedStatus {
  readonly code: number;
  readonly details: string;
  readonly metadata: Metadata;
}

/**
 * Reads `grpc-status`/`grpc-message` from trailers (or from the headers of a trailers-only
 * response). Returns undefined when there is no `grpc-status` field. A malformed code becomes
 * UNKNOWN, as grpc-go does.
 */
export function readGrpcStatus(headers: IncomingHeaderValues): ReceivedStatus | undefined {
  const raw = first(headers["grpc-status"]);
  if (raw === undefined) return undefined;
  const parsed = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  const message = first(headers["grpc-message"]);
  const details = message === undefined ? "" : decodeGrpcMessage(message);
  if (!Number.isSafeInteger(parsed)) {
    return {
      code: UNKNOWN,
      details: `malformed grpc-status ${JSON.stringify(raw)}`,
      metadata: toMetadata(headers),
    };
  }
  return { code: parsed, details, metadata: toMetadata(headers) };
}

/**
 * The status of a response that is not gRPC (HTTP status other than 200, or a wrong content
 * type): the mapping of PROTOCOL-HTTP2.md "HTTP to gRPC Status Code Mapping".
 */
export function statusOfHttp(httpStatus: number): { code: number; details: string } {
  const details = `received HTTP status code ${httpStatus}`;
  switch (httpStatus) {
    case 400:
      return { code: INTERNAL, details };
    case 401:
      return { code: UNAUTHENTICATED, details };
    case 403:
      return { code: PERMISSION_DENIED, details };
    case 404:
      return { code: UNIMPLEMENTED, details };
    case 429:
    case 502:
    case 503:
    case 504:
      return { code: UNAVAILABLE, details };
    default:
      return { code: UNKNOWN, details };
  }
}
