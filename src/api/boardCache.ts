/**
 * Leaderboards' tops, kept for a second. A top is the same for every caller, and reading and
 * serializing its 50 rows cost the server ~1 ms of CPU per request (bench/README.md). Each process
 * keeps its own; a top may thus lag a new result by up to `ttlMs`.
 */
export const BOARD_CACHE_MS = 1_000;
/** Boards are few (period × length × limit × day); the oldest go first past this many. */
export const BOARD_CACHE_ENTRIES = 256;

export class BoardCache<Board> {
  readonly #entries = new Map<string, { expiresAt: number; board: Board }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs = BOARD_CACHE_MS, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** the board kept under `key`, if it is younger than the cache's time to live */
  get(key: string): Board | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry.board;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, board: Board): Board {
    this.#entries.delete(key);
    this.#entries.set(key, { expiresAt: this.#now() + this.#ttlMs, board });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= BOARD_CACHE_ENTRIES) break;
      this.#entries.delete(oldest);
    }
    return board;
  }
}
