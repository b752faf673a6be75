import { LRUCache } from "lru-cache";

/**
 * Leaderboards' tops, kept for a second. A top is the same for every caller, and reading and
 * serializing its rows was most of a board request's CPU. Each process keeps its own; a top may
 * thus lag a new result by up to `BOARD_CACHE_MS`.
 */
export const BOARD_CACHE_MS = 1_000;
/** Boards are few (period × length × limit × day); the least recently used go first past this many. */
export const BOARD_CACHE_ENTRIES = 256;

/** Tops by board; `clock` (ms) only for tests, in place of `performance.now()`. */
export function boardCache<Board extends {}>(clock?: () => number): LRUCache<string, Board> {
  return new LRUCache<string, Board>({
    max: BOARD_CACHE_ENTRIES,
    ttl: BOARD_CACHE_MS,
    // lru-cache reads its clock once per millisecond of real time: a test's clock moves in between.
    ...(clock && { perf: { now: clock }, ttlResolution: 0 }),
  });
}
