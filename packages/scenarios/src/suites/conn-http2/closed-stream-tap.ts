import type { VirtualSocketObserver } from "@dsim/sim-server";

/** HTTP/2 frame types and flags the tap reads (RFC 9113 §6). */
const DATA = 0x0;
const HEADERS = 0x1;
const PRIORITY = 0x2;
const RST_STREAM = 0x3;
const END_STREAM = 0x1;
const FRAME_NAMES = [
  "DATA",
  "HEADERS",
  "PRIORITY",
  "RST_STREAM",
  "SETTINGS",
  "PUSH_PROMISE",
  "PING",
  "GOAWAY",
  "WINDOW_UPDATE",
  "CONTINUATION",
];
/** The client connection preface (RFC 9113 §3.4) before the client's first frame. */
const PREFACE_LENGTH = 24;
const FRAME_HEADER_LENGTH = 9;

/** One frame the client sent on a stream that was already closed. */
export interface ClosedStreamFrame {
  /** Connection index, in the order the dialer opened its sockets. */
  readonly connection: number;
  readonly streamId: number;
  /** Frame type name, e.g. `RST_STREAM`. */
  readonly frame: string;
  /** RST_STREAM's error code (undefined for other frames). */
  readonly errorCode?: number;
  /** Why the stream was closed at the client when it sent the frame. */
  readonly closedBy: string;
}

type SideEnd = "END_STREAM" | "RST_STREAM" | undefined;

interface StreamState {
  sentEnd: SideEnd;
  readEnd: SideEnd;
}

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

/** Splits one direction of a connection into frames (after the preface, for the client's side). */
class FrameSplitter {
  #buffer: Buffer = Buffer.alloc(0);
  #skip: number;

  constructor(skip: number) {
    this.#skip = skip;
  }

  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (this.#skip > 0) {
      const skipped = Math.min(this.#skip, this.#buffer.length);
      this.#skip -= skipped;
      this.#buffer = this.#buffer.subarray(skipped);
    }
    const frames: Frame[] = [];
    while (this.#buffer.length >= FRAME_HEADER_LENGTH) {
      const length = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < FRAME_HEADER_LENGTH + length) break;
      frames.push({
        type: this.#buffer.readUInt8(3),
        flags: this.#buffer.readUInt8(4),
        streamId: this.#buffer.readUInt32BE(5) & 0x7fff_ffff,
        payload: this.#buffer.subarray(FRAME_HEADER_LENGTH, FRAME_HEADER_LENGTH + length),
      });
      this.#buffer = this.#buffer.subarray(FRAME_HEADER_LENGTH + length);
    }
    return frames;
  }
}

/** END_STREAM or RST_STREAM in `frame`, if it ends its sender's side of the stream. */
function endOf(frame: Frame): SideEnd {
  if (frame.type === RST_STREAM) return "RST_STREAM";
  if ((frame.type === DATA || frame.type === HEADERS) && (frame.flags & END_STREAM) !== 0) {
    return "END_STREAM";
  }
  return undefined;
}

/** One client connection as {@link ClosedStreamTap} follows it. */
export interface TappedConnection {
  /** Attach to the connection's socket (`VirtualSocket.observe`). */
  readonly observer: VirtualSocketObserver;
  /**
   * The transport reported stream `streamId`'s status to ClientConn (core's adapter does so only
   * once it has processed the server's END_STREAM): an END_STREAM of that stream in the chunk
   * being read counts as received from now on.
   */
  statusReported(streamId: number): void;
}

/**
 * Follows the streams of the client's HTTP/2 connections from the client's own socket and
 * records every frame the client sends on a stream that is closed at the client (RFC 9113 §5.1:
 * "An endpoint MUST NOT send frames other than PRIORITY on a closed stream"). A stream is closed
 * once the client sent or received RST_STREAM, or sent END_STREAM and received END_STREAM.
 *
 * "Received" must never be early, or a legal frame would be flagged (a cancel crossing the
 * server's END_STREAM is legal). node:http2 parses a chunk in one go and runs JavaScript between
 * its frames, so a frame the client writes while a chunk is read may answer an earlier frame of
 * that chunk. Hence an END_STREAM or RST_STREAM counts as received when its chunk's `data` event
 * has returned (see `VirtualSocketObserver.read`), or earlier only when the client itself showed
 * that it processed it: the transport reported that stream's status (see
 * {@link TappedConnection.statusReported}) — which is where the adapter used to reset it.
 */
export class ClosedStreamTap {
  readonly #violations: ClosedStreamFrame[] = [];
  #connections = 0;

  /** Frames sent on closed streams so far, in send order. */
  get violations(): readonly ClosedStreamFrame[] {
    return this.#violations;
  }

  /** Starts following one client connection (call it when its socket is made). */
  connection(): TappedConnection {
    const connection = this.#connections++;
    const streams = new Map<number, StreamState>();
    const outgoing = new FrameSplitter(PREFACE_LENGTH);
    const incoming = new FrameSplitter(0);
    /** Stream ends in the chunk being read, not counted as received yet. */
    let readingEnds = new Map<number, SideEnd>();
    const stateOf = (id: number): StreamState => {
      let state = streams.get(id);
      if (state === undefined) {
        state = { sentEnd: undefined, readEnd: undefined };
        streams.set(id, state);
      }
      return state;
    };
    const received = (id: number, end: SideEnd): void => {
      const state = stateOf(id);
      state.readEnd ??= end;
    };
    const observer: VirtualSocketObserver = {
      sent: (chunk) => {
        for (const frame of outgoing.push(chunk)) {
          if (frame.streamId === 0) continue;
          const state = stateOf(frame.streamId);
          const closedBy = closedByOf(state);
          if (closedBy !== undefined && frame.type !== PRIORITY) {
            this.#violations.push({
              connection,
              streamId: frame.streamId,
              frame: FRAME_NAMES[frame.type] ?? `type ${frame.type}`,
              ...(frame.type === RST_STREAM && frame.payload.length >= 4
                ? { errorCode: frame.payload.readUInt32BE(0) }
                : {}),
              closedBy,
            });
          }
          state.sentEnd ??= endOf(frame);
        }
      },
      reading: (chunk) => {
        for (const frame of incoming.push(chunk)) {
          const end = endOf(frame);
          if (frame.streamId !== 0 && end !== undefined && !readingEnds.has(frame.streamId)) {
            readingEnds.set(frame.streamId, end);
          }
        }
      },
      read: () => {
        const ends = readingEnds;
        readingEnds = new Map();
        for (const [id, end] of ends) received(id, end);
      },
    };
    return {
      observer,
      statusReported: (streamId) => {
        const end = readingEnds.get(streamId);
        if (end !== undefined) received(streamId, end);
      },
    };
  }
}

function closedByOf(state: StreamState): string | undefined {
  if (state.sentEnd === "RST_STREAM") return "RST_STREAM sent";
  if (state.readEnd === "RST_STREAM") return "RST_STREAM received";
  if (state.sentEnd === "END_STREAM" && state.readEnd === "END_STREAM") {
    return "END_STREAM sent and received";
  }
  return undefined;
}
