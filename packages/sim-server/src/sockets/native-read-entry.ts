import { createHook } from "node:async_hooks";

/**
 * Node's own queue drain (`process._tickCallback` is `runNextTicks`: the microtask checkpoint,
 * then `process.nextTick` callbacks and promise-rejection handling) — what Node runs when an
 * outermost callback returns.
 */
function runNextTicks(): void {
  const drain = (process as unknown as { _tickCallback?: unknown })._tickCallback;
  if (typeof drain !== "function") {
    throw new Error("virtual sockets need process._tickCallback (Node's queue drain); not found");
  }
  drain.call(process);
}

/** Deliveries in progress (a delivery can start inside another one's drained callbacks). */
let deliveries = 0;
/** Callback scopes open right now below the innermost delivery. */
let scopes = 0;
/** True while {@link drainQueues} runs for the innermost delivery: what it runs drains no more. */
let draining = false;

/**
 * A callback scope is every call from Node's C++ into JavaScript (and every `nextTick` callback and
 * promise job). The hook is enabled only while a delivery runs.
 */
const scopeHook = createHook({
  before() {
    scopes++;
  },
  after() {
    scopes--;
    if (scopes === 0) drainQueues();
  },
});

function drainQueues(): void {
  if (draining) return;
  draining = true;
  try {
    runNextTicks();
  } catch (error) {
    // As thrown from a libuv callback: an uncaught exception, not an error of the delivery.
    queueMicrotask(() => {
      throw error;
    });
  } finally {
    draining = false;
  }
}

/**
 * Runs `deliver` (an event of a virtual socket that stands for a read from the kernel: `data` or
 * `end`) the way Node runs a read of a native socket, so code layered on the socket sees the same
 * order of events as over TCP.
 *
 * Why: a native socket's read enters JavaScript from libuv with nothing on the stack, so every call
 * Node makes from C++ into JavaScript during the read is an outermost callback, and when it
 * returns Node drains the microtask and `nextTick` queues (`InternalCallbackScope::Close` at depth
 * 1). node:http2 consumes a native socket in C++: while nghttp2 parses the chunk, it calls back
 * per frame, and e.g. a stream's `end` event (emitted from `nextTick`) runs *inside* nghttp2's
 * frame callback, before nghttp2 marks the stream half-closed. A JS `Duplex` is fed to node:http2
 * through `JSStreamSocket`, whose `data` listener calls the C++ parser from JavaScript: the same
 * callbacks are then nested (depth 2) and Node drains nothing until the whole chunk is parsed. So
 * `stream.close(NO_ERROR)` in an `end` listener put RST_STREAM on the wire over TCP and not over a
 * virtual socket (the stream was already closed when it ran). Here the drain Node skips is done
 * by hand: an `async_hooks` hook sees the callback scopes under the delivery and, when one at the
 * outermost level returns, drains the queues; the queues are also drained before the delivery (a
 * libuv read starts on empty queues) and after it (the read callback itself returning).
 */
export function deliverAsNativeRead<T>(deliver: () => T): T {
  // A delivery can start inside a drain (a socket's `end` is emitted from a `nextTick` callback);
  // it is a read of its own and drains its own callbacks.
  const outerScopes = scopes;
  const outerDraining = draining;
  draining = false;
  drainQueues();
  scopes = 0;
  if (deliveries++ === 0) scopeHook.enable();
  try {
    return deliver();
  } finally {
    if (--deliveries === 0) scopeHook.disable();
    scopes = outerScopes;
    drainQueues();
    draining = outerDraining;
  }
}
