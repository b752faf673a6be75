import type { PreparedBody } from "./respond.ts";

/**
 * Serialized graph responses, kept per player and length until the player's count of finished
 * races changes, which every new result does (record_result, src/db/races.ts, counts it in the
 * statement that records it). Reading and serializing the last 1000 races cost the server
 * ~4.7 ms of CPU per request (bench/README.md); checking the count is one index lookup. Each
 * process keeps its own; the least recently used go first once the bodies pass `maxBytes`.
 */
export const GRAPH_CACHE_BYTES = 32 * 1024 * 1024;

interface Entry {
  finishedRaces: number;
  body: PreparedBody;
}

export class GraphCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes = GRAPH_CACHE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** the body kept for this player and length, if it was made at this count of finished races */
  get(userId: string, last: number, finishedRaces: number): PreparedBody | undefined {
    const key = `${userId}:${last}`;
    const entry = this.#entries.get(key);
    if (entry?.finishedRaces !== finishedRaces) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.body;
  }

  set(userId: string, last: number, finishedRaces: number, body: PreparedBody): void {
    const key = `${userId}:${last}`;
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
