import { LRUCache } from "lru-cache";

/**
 * Leaderboards' tops, kept for a second. A top is the same for every caller, and reading and
 * serializing its rows was most of a board request's CPU. Each process keeps its own; a top may
 * thus lag a new result by up to `BOARD_CACHE_MS`.
 */
export const BOARD_CACHE_MS = 1_000;
/** Boards are few (period × length × limit × day); the least recently used go first past this many. */
export const BOARD_CACHE_ENTRIES = 256;

/**
 * Tops by board, each read by `read` (given what it is read for) when missing or a second old, or
 * when asked with `forceRefresh`. The reads of one board at one moment are one (lru-cache's
 * `forceFetch`): when a top expired, every request in flight read it again, each with its own
 * query, serialization and gzip. `clock` (ms) only for tests, in place of `performance.now()`.
 */
export function boardCache<Board extends {}, Request>(
  read: (key: string, request: Request) => Promise<Board>,
  clock?: () => number,
): LRUCache<string, Board, Request> {
  return new LRUCache<string, Board, Request>({
    max: BOARD_CACHE_ENTRIES,
    ttl: BOARD_CACHE_MS,
    fetchMethod: (key, _stale, { context }) => read(key, context),
    // lru-cache reads its clock once per millisecond of real time: a test's clock moves in between.
    ...(clock && { perf: { now: clock }, ttlResolution: 0 }),
  });
}
