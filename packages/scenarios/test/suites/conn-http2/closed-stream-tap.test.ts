import { describe, expect, it } from "vitest";
import {
  ClosedStreamTap,
  type TappedConnection,
} from "../../../src/suites/conn-http2/closed-stream-tap.js";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const DATA = 0;
const HEADERS = 1;
const PRIORITY = 2;
const RST_STREAM = 3;
const WINDOW_UPDATE = 8;
const END_STREAM = 1;
const NO_ERROR = 0;
const CANCEL = 8;

function frame(type: number, flags: number, streamId: number, payload = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

function rst(streamId: number, code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code, 0);
  return frame(RST_STREAM, 0, streamId, payload);
}

/** A connection whose client already sent the preface and a unary request on stream 1. */
function unaryCall(): { tap: ClosedStreamTap; conn: TappedConnection } {
  const tap = new ClosedStreamTap();
  const conn = tap.connection();
  conn.observer.sent?.(Buffer.concat([PREFACE, frame(HEADERS, END_STREAM, 1)]));
  return { tap, conn };
}

/** The server's response to stream 1: headers, a message, trailers with END_STREAM. */
const response = Buffer.concat([
  frame(HEADERS, 0, 1),
  frame(DATA, 0, 1, Buffer.from("x")),
  frame(HEADERS, END_STREAM, 1),
]);

describe("ClosedStreamTap (RFC 9113 §5.1 from the client's socket)", () => {
  it("flags an RST_STREAM sent after the response's END_STREAM was read", () => {
    const { tap, conn } = unaryCall();
    conn.observer.reading?.(response);
    conn.observer.read?.(response);
    conn.observer.sent?.(rst(1, NO_ERROR));
    expect(tap.violations).toEqual([
      {
        connection: 0,
        streamId: 1,
        frame: "RST_STREAM",
        errorCode: NO_ERROR,
        closedBy: "END_STREAM sent and received",
      },
    ]);
  });

  it("flags an RST_STREAM sent while the chunk is read once the transport reported the status", () => {
    const { tap, conn } = unaryCall();
    conn.observer.reading?.(response);
    conn.observer.sent?.(rst(1, CANCEL));
    expect(tap.violations).toEqual([]);
    conn.statusReported(1);
    conn.observer.sent?.(rst(1, NO_ERROR));
    conn.observer.read?.(response);
    expect(tap.violations.map((v) => v.errorCode)).toEqual([NO_ERROR]);
  });

  it("does not flag a cancel that crossed the server's END_STREAM", () => {
    const { tap, conn } = unaryCall();
    conn.observer.sent?.(rst(1, CANCEL));
    conn.observer.reading?.(response);
    conn.observer.read?.(response);
    expect(tap.violations).toEqual([]);
  });

  it("does not flag frames on a half-closed stream, and allows PRIORITY on a closed one", () => {
    const tap = new ClosedStreamTap();
    const conn = tap.connection();
    conn.observer.sent?.(Buffer.concat([PREFACE, frame(HEADERS, 0, 1)]));
    conn.observer.reading?.(response);
    conn.observer.read?.(response);
    // The server ended its side; the client's is open: sending is legal (half-closed remote).
    conn.observer.sent?.(frame(DATA, END_STREAM, 1, Buffer.from("y")));
    conn.observer.sent?.(frame(PRIORITY, 0, 1, Buffer.alloc(5)));
    expect(tap.violations).toEqual([]);
    conn.observer.sent?.(frame(WINDOW_UPDATE, 0, 1, Buffer.alloc(4)));
    expect(tap.violations.map((v) => v.frame)).toEqual(["WINDOW_UPDATE"]);
  });

  it("flags any frame after the client's own RST_STREAM, and reads frames split across chunks", () => {
    const tap = new ClosedStreamTap();
    const conn = tap.connection();
    const bytes = Buffer.concat([PREFACE, frame(HEADERS, 0, 3), rst(3, CANCEL), frame(DATA, 0, 3)]);
    conn.observer.sent?.(bytes.subarray(0, 30));
    conn.observer.sent?.(bytes.subarray(30));
    expect(tap.violations).toEqual([
      { connection: 0, streamId: 3, frame: "DATA", closedBy: "RST_STREAM sent" },
    ]);
  });
});
