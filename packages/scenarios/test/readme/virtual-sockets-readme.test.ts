import { readFileSync } from "node:fs";
import { expect, it, vi } from "vitest";

/** The first TypeScript block of the README's "Virtual sockets" section. */
function readmeExample(): string {
  const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Virtual sockets"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("README: no ts block under ## Virtual sockets");
  return block;
}

it("the README's virtual sockets example is virtual-sockets-example.ts, and it prints the reply at 20 virtual ms", async () => {
  const example = readFileSync(new URL("./virtual-sockets-example.ts", import.meta.url), "utf8");
  expect(readmeExample()).toBe(example);
  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
  });
  try {
    await import("./virtual-sockets-example.js");
  } finally {
    log.mockRestore();
  }
  // 5 ms each way: connect (SYN, SYN-ACK) then one call (request, response).
  expect(printed).toEqual(["hello at 20 virtual ms"]);
});
