import type { HeaderField } from "./frames.js";

/**
 * Response headers as `fetch` exposes them: names are case-insensitive and several lines of one
 * field are joined with `", "` (what `Headers.get` does). Unlike `Headers`, it never throws on odd
 * values, so the fake server can send the header edge cases a real network may deliver.
 */
export class SimHeaders {
  readonly #fields = new Map<string, string>();

  constructor(fields: readonly HeaderField[] = []) {
    for (const [name, value] of fields) {
      const key = name.toLowerCase();
      const previous = this.#fields.get(key);
      this.#fields.set(key, previous === undefined ? value : `${previous}, ${value}`);
    }
  }

  /** The joined value of `name`, or `null` when absent. */
  get(name: string): string | null {
    return this.#fields.get(name.toLowerCase()) ?? null;
  }

  /** True when `name` is present. */
  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  /** Every field as `[lower-case name, joined value]`, in first-seen order. */
  entries(): IterableIterator<[string, string]> {
    return this.#fields.entries();
  }
}
