/**
 * Callers' own places on the wpm boards, answered from memory. PostgreSQL counts a place by
 * walking every entry ahead of it along the board's index: its cost grows with the rank, and a
 * signed-in board read was mostly that query. Here a board asked for signed in is read whole once,
 * in its order, and kept: a place is then a binary search.
 *
 * A kept board follows the writes through the user notices (src/db/userNotices.ts): each notice
 * about a player (a best written however it was, a merge, a rename, a deletion) reads that player's
 * rows on the kept boards again, and a place is answered only once every notice heard before it was
 * asked has been applied. So a place shows every write of this process, and another process's from
 * its notice on, as the kept profiles do. While the notices are not heard, when a re-read fails, and
 * for a board not kept (being read, too large, or read whole less than a minute ago), places are
 * counted by PostgreSQL as before, the places asked on one board while a count is in flight going
 * together in the next (src/db/batchedByKey.ts).
 */
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.ts";
import { batchedByKey } from "./batchedByKey.ts";
import { type BoardRequest, boardPlaces, type LeaderboardEntry, scopeOf } from "./leaderboards.ts";
import type { Queries } from "./queries.ts";
import type { UserNotices } from "./userNotices.ts";

/** Boards kept at once, the least recently asked first out. */
const KEPT_BOARDS = 16;
/**
 * Entries kept in all (docs/operations.md says what they weigh), the least recently asked boards out
 * first; a board with more than this alone is not kept: its places are counted by PostgreSQL.
 */
const KEPT_ENTRIES = 100_000;
/**
 * A board is read whole at most this often: one pushed out, too large, or whose read failed has its
 * places counted by PostgreSQL meanwhile, so that boards asked in turn cannot have each other read
 * again and again.
 */
const READ_AGAIN_AFTER_MS = 60_000;
/** Users a notice can be about: a uuid, as PostgreSQL prints it. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A player's entry on a board, without its rank (its index in the board, plus one). */
type Standing = Omit<LeaderboardEntry, "rank">;

interface Board {
  period: string;
  start: string;
  words: number;
  withGuests: boolean;
  /** best first; undefined while the board is read */
  order?: Standing[];
  byUser: Map<string, Standing>;
  /** users noticed while the board was read: read again once it is */
  heard: Set<string>;
  /** its entries when its size was last counted against KEPT_ENTRIES */
  counted: number;
}

export interface KeptBoardOptions {
  log?: Logger;
  maxBoards?: number;
  /** entries kept in all, and at most in one board */
  maxEntries?: number;
  readAgainAfterMs?: number;
}

export interface KeptBoards {
  /** The player's entry on the board with their rank; null when they are not on it. */
  place(board: BoardRequest, userId: string): Promise<LeaderboardEntry | null>;
}

/** Best first: wpm, then accuracy, then the earlier finish, then the user id (the index's order). */
function standingOrder(a: Standing, b: Standing): number {
  return (
    b.wpm - a.wpm ||
    b.acc - a.acc ||
    a.finishedAt.getTime() - b.finishedAt.getTime() ||
    (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)
  );
}

/** Where `standing` is, or goes, in `order`. */
function indexOf(order: Standing[], standing: Standing): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (standingOrder(order[middle]!, standing) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

const boardKey = (period: string, start: string, words: number) => `${period}:${start}:${words}`;

export function keptBoards(db: Queries, notices: UserNotices, options: KeptBoardOptions = {}): KeptBoards {
  const maxEntries = options.maxEntries ?? KEPT_ENTRIES;
  const readAgainAfterMs = options.readAgainAfterMs ?? READ_AGAIN_AFTER_MS;
  const boards = new LRUCache<string, Board>({
    max: options.maxBoards ?? KEPT_BOARDS,
    // A board's size is counted when it is kept, and again once it has grown by a tenth.
    maxSize: maxEntries + 1,
    sizeCalculation: (board) => 1 + board.counted,
  });
  /** When each board was last read whole (or tried): see READ_AGAIN_AFTER_MS. */
  const readAt = new LRUCache<string, number>({ max: 1_000 });
  /** Notices heard (and users queued again) so far, and how many of them the boards show. */
  let heardSeq = 0;
  let appliedSeq = 0;
  let waiting = new Set<string>();
  let applying = false;
  let caughtUp: Array<{ seq: number; resolve: () => void }> = [];
  /** Bumped whenever everything kept is dropped: a read begun before must not be kept. */
  let era = 0;

  const wake = () => {
    const still = [];
    for (const waiter of caughtUp) {
      if (waiter.seq <= appliedSeq) waiter.resolve();
      else still.push(waiter);
    }
    caughtUp = still;
  };

  const dropAll = () => {
    era++;
    boards.clear();
    waiting = new Set();
    appliedSeq = heardSeq;
    wake();
  };

  /** The users' rows read again on `targets`, boards kept when the read began. */
  const applyTo = async (targets: Board[], userIds: string[]) => {
    const readEra = era;
    const rows = await standingsOf(db, userIds, [...new Set(targets.map((board) => board.start))]);
    if (readEra !== era) return;
    for (const board of targets) {
      const key = boardKey(board.period, board.start, board.words);
      if (boards.peek(key) !== board) continue;
      for (const userId of userIds) moveOut(board, userId);
      for (const { key: rowKey, ...standing } of rows) {
        if (rowKey === key && (board.withGuests || !standing.guest)) moveIn(board, standing);
      }
      const size = board.order!.length;
      if (size > maxEntries) {
        // Grown past what may be kept: counted by PostgreSQL until it may be read again.
        boards.delete(key);
        readAt.set(key, performance.now());
      } else if (size > board.counted + Math.max(100, board.counted / 10)) {
        board.counted = size;
        boards.set(key, board);
      }
    }
  };

  /** Reads the waiting users' rows on the boards kept, until none waits. */
  const apply = async () => {
    try {
      while (waiting.size > 0) {
        const userIds = [...waiting];
        waiting = new Set();
        const upTo = heardSeq;
        const targets = [...boards.values()].filter((board) => board.order !== undefined);
        if (targets.length > 0) await applyTo(targets, userIds);
        appliedSeq = Math.max(appliedSeq, upTo);
        wake();
      }
    } catch (error) {
      // Nothing kept can be trusted to show those users: dropped, and counted by PostgreSQL.
      options.log?.warn({ err: error }, "kept boards: could not read a notice's rows; dropped");
      dropAll();
    } finally {
      applying = false;
    }
  };

  const hear = (userId: string) => {
    if (!USER_ID.test(userId)) return;
    let kept = false;
    for (const board of boards.values()) {
      if (board.order !== undefined) kept = true;
      else board.heard.add(userId);
    }
    if (!kept) return;
    heardSeq++;
    waiting.add(userId);
    if (!applying) {
      applying = true;
      void apply();
    }
  };

  notices.watch({ changed: hear, lost: dropAll });

  const load = async (key: string, board: Board) => {
    const readEra = era;
    let rows: Standing[];
    try {
      rows = await boardStandings(db, board, maxEntries + 1);
    } catch (error) {
      options.log?.warn({ err: error }, "kept boards: could not read a board");
      if (boards.peek(key) === board) boards.delete(key);
      return;
    }
    if (readEra !== era || boards.peek(key) !== board) return;
    const heard = [...board.heard];
    board.heard.clear();
    if (rows.length > maxEntries) {
      boards.delete(key);
      return;
    }
    board.order = rows;
    for (const standing of rows) board.byUser.set(standing.userId, standing);
    // Counted at its size: the least recently asked boards make room.
    board.counted = rows.length;
    boards.set(key, board);
    // The users noticed while it was read are read again, and places wait for them (`heardSeq`).
    for (const userId of heard) hear(userId);
  };

  const counted = new LRUCache<string, (userId: string) => Promise<LeaderboardEntry | null>>({
    max: KEPT_BOARDS,
  });
  /** The place as PostgreSQL counts it, the places of one board asked meanwhile in one query. */
  const count = (key: string, request: BoardRequest, userId: string) => {
    let place = counted.get(key);
    if (place === undefined) {
      place = batchedByKey(async (userIds: string[]) => {
        const places = await boardPlaces(db, { ...request, userIds });
        return new Map(places.map((entry) => [entry.userId, entry]));
      }, null);
      counted.set(key, place);
    }
    return place(userId);
  };

  return {
    async place(request, userId) {
      const { period, start, withGuests } = scopeOf(request);
      const key = boardKey(period, start, request.words);
      const id = userId.toLowerCase();
      let board = boards.get(key);
      const now = performance.now();
      if (
        board === undefined &&
        now - (readAt.get(key) ?? -Infinity) >= readAgainAfterMs &&
        notices.listen()
      ) {
        board = {
          period,
          start,
          words: request.words,
          withGuests,
          byUser: new Map(),
          heard: new Set(),
          counted: 0,
        };
        boards.set(key, board);
        readAt.set(key, now);
        void load(key, board);
      }
      if (board?.order === undefined) return count(key, request, userId);
      // Every notice heard before the place was asked, applied first.
      const seq = heardSeq;
      if (appliedSeq < seq) await new Promise<void>((resolve) => caughtUp.push({ seq, resolve }));
      // Dropped meanwhile (the notices were lost, a re-read failed): PostgreSQL counts it.
      if (boards.peek(key) !== board) return count(key, request, userId);
      const standing = board.byUser.get(id);
      if (standing === undefined) return null;
      return { rank: indexOf(board.order, standing) + 1, ...standing };
    },
  };
}

function moveOut(board: Board, userId: string): void {
  const standing = board.byUser.get(userId);
  if (standing === undefined) return;
  board.order!.splice(indexOf(board.order!, standing), 1);
  board.byUser.delete(userId);
}

function moveIn(board: Board, standing: Standing): void {
  board.order!.splice(indexOf(board.order!, standing), 0, standing);
  board.byUser.set(standing.userId, standing);
}

/** A board's entries, best first, at most `limit`. */
function boardStandings(
  db: Queries,
  board: Pick<Board, "period" | "start" | "words" | "withGuests">,
  limit: number,
): Promise<Standing[]> {
  return db.$queryRaw<Standing[]>`
    SELECT b.user_id::text AS "userId", u.name, b.guest, b.game_id::text AS "gameId", b.wpm,
           b.wpm_raw AS "wpmRaw", b.acc, b.acc_raw AS "accRaw", b.finished_at AS "finishedAt"
    FROM best_results AS b JOIN users AS u ON u.id = b.user_id
    WHERE b.period = ${board.period} AND b.period_start = ${board.start}::date
      AND b.word_count = ${board.words} AND (${board.withGuests} OR NOT b.guest)
    ORDER BY b.wpm DESC, b.acc DESC, b.finished_at, b.user_id
    LIMIT ${limit}`;
}

/** These users' entries on every board starting on one of `starts`, each with its board's key. */
function standingsOf(
  db: Queries,
  userIds: string[],
  starts: string[],
): Promise<Array<Standing & { key: string }>> {
  return db.$queryRaw`
    SELECT b.period || ':' || to_char(b.period_start, 'YYYY-MM-DD') || ':' || b.word_count AS key,
           b.user_id::text AS "userId", u.name, b.guest, b.game_id::text AS "gameId", b.wpm,
           b.wpm_raw AS "wpmRaw", b.acc, b.acc_raw AS "accRaw", b.finished_at AS "finishedAt"
    FROM best_results AS b JOIN users AS u ON u.id = b.user_id
    WHERE b.user_id = ANY(${userIds}::uuid[]) AND b.period_start = ANY(${starts}::date[])`;
}
