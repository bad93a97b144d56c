import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Channel } from "../../src/sync/channel.js";
import { flushMicrotasks } from "../time/manual-clock.js";

/**
 * Model-based checks: random sequences of sends, receives (plain and abortable), aborts, closes
 * and flushes run against the real channel and a trivially correct model. fast-check prints the
 * seed and path of any counterexample; the seed is fixed so the run is reproducible.
 */

type Op =
  | { readonly kind: "send"; readonly value: number }
  | { readonly kind: "receive"; readonly abortable: boolean }
  | { readonly kind: "abort" }
  | { readonly kind: "close" }
  | { readonly kind: "flush" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer().map((value) => ({ kind: "send", value }) as const) },
  {
    weight: 3,
    arbitrary: fc.boolean().map((abortable) => ({ kind: "receive", abortable }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "abort" } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "close" } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "flush" } as const) },
);

const SETTINGS = { seed: 42, numRuns: 300 } as const;

describe("Channel properties", () => {
  it("never exceeds capacity, never loses or duplicates an accepted item, never delivers after close", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.array(opArb, { maxLength: 60 }),
        async (capacity, ops) => {
          const ch = new Channel<number>({ capacity });
          const accepted: number[] = [];
          const delivered: number[] = [];
          const modelBuffer: number[] = [];
          let closed = false;
          let waiting: { controller: AbortController | undefined } | undefined;
          let ends = 0;
          let aborts = 0;
          let expectedEnds = 0;
          let expectedAborts = 0;

          const track = (p: Promise<IteratorResult<number, undefined>>): void => {
            p.then(
              (r) => {
                if (r.done === true) ends += 1;
                else delivered.push(r.value);
              },
              () => {
                aborts += 1;
              },
            );
          };

          for (const op of ops) {
            switch (op.kind) {
              case "send": {
                const ok = ch.trySend(op.value);
                let expected: boolean;
                if (closed) expected = false;
                else if (waiting !== undefined) {
                  expected = true;
                  waiting = undefined;
                } else if (modelBuffer.length < capacity) {
                  expected = true;
                  modelBuffer.push(op.value);
                } else expected = false;
                expect(ok).toBe(expected);
                if (ok) accepted.push(op.value);
                break;
              }
              case "receive": {
                if (waiting !== undefined) {
                  expect(() => ch.receive()).toThrow(TypeError);
                  break;
                }
                const controller = op.abortable ? new AbortController() : undefined;
                track(ch.receive(controller?.signal));
                if (modelBuffer.length > 0) modelBuffer.shift();
                else if (closed) expectedEnds += 1;
                else waiting = { controller };
                break;
              }
              case "abort": {
                if (waiting?.controller !== undefined) {
                  waiting.controller.abort(new Error("cancelled"));
                  waiting = undefined;
                  expectedAborts += 1;
                }
                break;
              }
              case "close": {
                expect(ch.close()).toBe(!closed);
                if (!closed && waiting !== undefined) {
                  expectedEnds += 1;
                  waiting = undefined;
                }
                closed = true;
                break;
              }
              case "flush":
                await flushMicrotasks();
                break;
            }
            expect(ch.size).toBe(modelBuffer.length);
            expect(ch.size).toBeLessThanOrEqual(capacity);
            expect(ch.closed).toBe(closed);
          }

          // The owner closes; a fresh receiver drains whatever is left.
          ch.close();
          if (waiting !== undefined) expectedEnds += 1;
          const rest: number[] = [];
          await flushMicrotasks();
          for await (const item of ch) rest.push(item);
          expect(rest).toEqual(modelBuffer);
          expect(ch.trySend(123)).toBe(false);
          // Exactly once, in order: what was delivered plus what was drained is what was accepted.
          expect([...delivered, ...rest]).toEqual(accepted);
          expect(ends).toBe(expectedEnds);
          expect(aborts).toBe(expectedAborts);
        },
      ),
      SETTINGS,
    );
  });

  it("a for-await receiver that breaks and re-attaches still gets every accepted item once, in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.oneof(fc.constant("send" as const), fc.constant("yield" as const)), {
          maxLength: 80,
        }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        async (capacity, schedule, sessionLengths) => {
          let detaches = 0;
          const ch = new Channel<number>({ capacity, onReceiverDetached: () => detaches++ });
          const accepted: number[] = [];
          const received: number[] = [];
          let openBreaks = 0;

          const consumer = (async () => {
            for (const length of sessionLengths) {
              let taken = 0;
              for await (const item of ch) {
                received.push(item);
                taken += 1;
                if (taken === length) {
                  // return() runs synchronously after this break, so the state cannot change.
                  if (!ch.closed) openBreaks += 1;
                  break;
                }
              }
              if (ch.closed && ch.size === 0) return;
            }
          })();

          let next = 0;
          for (const step of schedule) {
            if (step === "send") {
              if (ch.trySend(next)) accepted.push(next);
              next += 1;
            } else {
              await flushMicrotasks();
            }
          }
          ch.close("done");
          await consumer;
          const rest: number[] = [];
          for await (const item of ch) rest.push(item);

          expect([...received, ...rest]).toEqual(accepted);
          // Every break while the channel was open notified the owner; none after it closed.
          expect(detaches).toBe(openBreaks);
          expect(ch.closeReason).toBe("done");
        },
      ),
      SETTINGS,
    );
  });
});
