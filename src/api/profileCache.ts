import { LRUCache } from "lru-cache";
import type { PreparedBody } from "./respond.ts";

/**
 * Serialized profile responses that change only with the player's counts of races played and rated
 * (the statistics, the graph of the last N, the rating's history, the history pages), kept per
 * player and request under that version until it changes: every new result counts a race played
 * (src/db/races.ts counts it in the statement that records it), and the rating update, when a
 * rated race ends after its results were written, counts a rated race with the new rating
 * (src/db/userNotices.ts, which knows the version without a query while PostgreSQL's notices
 * say it holds). Reading and serializing the last 1000 races, or a history page, costs the server
 * many times checking the version. Each process keeps its own; the least
 * recently used go first once the bodies pass `maxBytes` (lru-cache), and a body larger than that
 * is not kept.
 */
const PROFILE_CACHE_BYTES = 32 * 1024 * 1024;

interface Kept {
  version: string;
  body: PreparedBody;
}

export class ProfileCache {
  readonly #entries: LRUCache<string, Kept>;

  constructor(maxBytes = PROFILE_CACHE_BYTES) {
    this.#entries = new LRUCache<string, Kept>({
      maxSize: maxBytes,
      // lru-cache sizes are positive; a body is never empty (an envelope), but no size may be 0.
      // Both representations held: the JSON and, for a large body, its gzip.
      sizeCalculation: (kept) => Math.max(1, kept.body.bytes.length + (kept.body.gzip?.bytes.length ?? 0)),
    });
  }

  /** the body kept under `key` (a player and a request), if it was made at this version of the profile */
  get(key: string, version: string): PreparedBody | undefined {
    const kept = this.#entries.get(key);
    return kept?.version === version ? kept.body : undefined;
  }

  set(key: string, version: string, body: PreparedBody): void {
    this.#entries.set(key, { version, body });
  }
}
