import type { PreparedBody } from "./respond.ts";

/**
 * Serialized profile responses that change only with the player's count of finished races (the
 * statistics, the graph of the last N, the history pages), kept per player and request until that
 * count changes, which every new result does (record_result, src/db/races.ts, counts it in the
 * statement that records it). Reading and serializing the last 1000 races cost the server ~4.7 ms
 * of CPU per request, a history page of 50 ~0.8 ms (bench/README.md); checking the count is one
 * index lookup. Each process keeps its own; the least recently used go first once the bodies pass
 * `maxBytes`.
 */
export const PROFILE_CACHE_BYTES = 32 * 1024 * 1024;

interface Entry {
  finishedRaces: number;
  body: PreparedBody;
}

export class ProfileCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes = PROFILE_CACHE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** the body kept under `key` (a player and a request), if it was made at this count of finished races */
  get(key: string, finishedRaces: number): PreparedBody | undefined {
    const entry = this.#entries.get(key);
    if (entry?.finishedRaces !== finishedRaces) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.body;
  }

  set(key: string, finishedRaces: number, body: PreparedBody): void {
    this.#forget(key);
    if (body.bytes.length > this.#maxBytes) return;
    this.#entries.set(key, { finishedRaces, body });
    this.#bytes += body.bytes.length;
    for (const oldest of this.#entries.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#forget(oldest);
    }
  }

  #forget(key: string) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.body.bytes.length;
  }
}
