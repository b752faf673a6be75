import type { PreparedBody } from "./respond.ts";

/**
 * Leaderboards as anonymous callers see them, kept for a second. Such a board is the same for
 * every anonymous caller, and reading and serializing its 50 rows cost the server ~1 ms of CPU per
 * request (bench/README.md); a signed-in caller's board also holds their own place, so it is
 * always read. Each process keeps its own; a board may thus lag a new result by up to `ttlMs`.
 */
export const BOARD_CACHE_MS = 1_000;
/** Boards are few (period × length × limit × day); the oldest go first past this many. */
export const BOARD_CACHE_ENTRIES = 256;

export class BoardCache {
  readonly #entries = new Map<string, { expiresAt: number; body: PreparedBody }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs = BOARD_CACHE_MS, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** the body kept under `key`, if it is younger than the cache's time to live */
  get(key: string): PreparedBody | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry.body;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, body: PreparedBody): void {
    this.#entries.delete(key);
    this.#entries.set(key, { expiresAt: this.#now() + this.#ttlMs, body });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= BOARD_CACHE_ENTRIES) break;
      this.#entries.delete(oldest);
    }
  }
}
