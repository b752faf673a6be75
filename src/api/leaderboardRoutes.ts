/** The daily, weekly and all-time wpm leaderboards, and the rating board (src/db/leaderboards.ts). */
import { type Request, Router } from "express";
import { LRUCache } from "lru-cache";
import type { TokenService } from "../auth/tokens.ts";
import type { Database } from "../db/database.ts";
import { keptBoards } from "../db/keptBoards.ts";
import {
  type BoardRequest,
  boardTop,
  type LeaderboardEntry,
  type RatingEntry,
  ratingPlace,
  ratingTop,
} from "../db/leaderboards.ts";
import type { Logger } from "../log.ts";
import { callerOf, optionalUser } from "./authenticate.ts";
import { BOARD_CACHE_ENTRIES, boardCache } from "./boardCache.ts";
import {
  type LeaderboardQuery,
  type LeaderboardResponse,
  leaderboardQuery,
  type RatingLeaderboardResponse,
} from "./contracts/profile.ts";
import {
  keptGzipped,
  type PreparedBody,
  preparedData,
  preparedWithLast,
  sendPrepared,
  withIsoTime,
} from "./respond.ts";
import { parseInput } from "./validate.ts";

type Entry = LeaderboardResponse["entries"][number];

/**
 * A board's top as every caller sees it, the whole answer of an anonymous caller, and the answer
 * with a caller's own place (the top's JSON made once: it was most of a signed-in read's CPU).
 */
interface KeptTop {
  periodStart: string | null;
  entries: Entry[];
  anonymous: PreparedBody;
  withPlace: (me: LeaderboardResponse["me"]) => PreparedBody;
}

export function leaderboardRoutes(deps: {
  db: Database;
  tokens: TokenService;
  raceWords: number;
  log: Logger;
}): Router {
  const router = Router();
  const tops = boardCache<KeptTop, TopRequest>(async (_key, { period, words, limit, day }) => {
    const request = { period, words, limit, at: dayStart(day) };
    const { periodStart, entries } = await boardTop(deps.db.sql, request);
    const top = { periodStart, entries: entries.map(withIsoTime) };
    const withPlace = await answerWith(request, top);
    return { ...top, anonymous: await keptGzipped(withPlace(null)), withPlace };
  });
  const ratingTops = boardCache<KeptRatingTop, number>(async (_key, limit) => {
    const entries = await ratingTop(deps.db.sql, limit);
    return { entries, anonymous: await keptGzipped(ratingAnswer(entries, null)) };
  });
  const places = keptBoards(deps.db.sql, deps.db.notices, { log: deps.log });

  router.get("/", optionalUser(deps.tokens), async (req, res) => {
    const query = boardQueryOf(req);
    if (query.board === "rating") {
      // One board for all time and every length: period, words and date do not apply to it.
      const readTop = (forceRefresh = false) =>
        ratingTops.forceFetch(String(query.limit), { context: query.limit, forceRefresh });
      const callerId = callerOf(res)?.id;
      if (callerId === undefined) {
        sendPrepared(res, 200, (await readTop()).anonymous);
        return;
      }
      const [kept, me] = await Promise.all([readTop(), ratingPlace(deps.db.sql, callerId)]);
      let top = kept;
      // A refresh may join one begun before the caller's place was read: then one more.
      for (let tries = 0; tries < 2 && !showsRating(top.entries, me, callerId, query.limit); tries++) {
        top = await readTop(true);
      }
      sendPrepared(res, 200, ratingAnswer(top.entries, me));
      return;
    }
    const words = query.words ?? deps.raceWords;
    const day = query.date ?? utcDay(Date.now());
    const key = `${query.period}:${words}:${query.limit}:${day}`;
    const readTop = (forceRefresh = false) =>
      tops.forceFetch(key, {
        context: { period: query.period, words, limit: query.limit, day },
        forceRefresh,
      });
    const callerId = callerOf(res)?.id;
    if (callerId === undefined) {
      sendPrepared(res, 200, (await readTop()).anonymous);
      return;
    }
    const board: BoardRequest = { period: query.period, words, at: dayStart(day) };
    const [kept, me] = await Promise.all([readTop(), places.place(board, callerId)]);
    // The caller's place shows every result heard of (src/db/keptBoards.ts); the top beside it must
    // show them where it says. A refresh may join one begun before their place was read: then one
    // more, begun after.
    let top = kept;
    for (let tries = 0; tries < 2 && !showsPlace(top.entries, me, callerId, query.limit); tries++) {
      top = await readTop(true);
    }
    sendPrepared(res, 200, top.withPlace(me && withIsoTime(me)));
  });

  return router;
}

/** What a wpm board's top is read for, the day as asked (YYYY-MM-DD, UTC). */
interface TopRequest {
  period: LeaderboardQuery["period"];
  words: number;
  limit: number;
  day: string;
}

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);

/**
 * The board queries asked are few, and asked again and again: each is parsed once, keyed by the
 * query string as sent.
 */
const parsedQueries = new LRUCache<string, LeaderboardQuery>({ max: BOARD_CACHE_ENTRIES });

function boardQueryOf(req: Request): LeaderboardQuery {
  const at = req.url.indexOf("?");
  const raw = at < 0 ? "" : req.url.slice(at + 1);
  let query = parsedQueries.get(raw);
  if (query === undefined) {
    query = parseInput(leaderboardQuery, req.query, "query");
    parsedQueries.set(raw, query);
  }
  return query;
}

/** Today's UTC day, YYYY-MM-DD, made once a day rather than on every read of a board. */
let today = { day: -1, text: "" };
function utcDay(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== today.day) today = { day, text: new Date(ms).toISOString().slice(0, 10) };
  return today.text;
}

/** The rating board's top as every caller sees it, and the whole answer of an anonymous caller. */
interface KeptRatingTop {
  entries: RatingEntry[];
  anonymous: PreparedBody;
}

function ratingAnswer(entries: RatingEntry[], me: RatingEntry | null): PreparedBody {
  return preparedData<RatingLeaderboardResponse>({ board: "rating", entries, me });
}

/** As `showsPlace`, for the rating board: the player listed at their rank with their rating. */
function showsRating(entries: RatingEntry[], me: RatingEntry | null, userId: string, limit: number): boolean {
  const listed = entries.find((entry) => entry.userId === userId);
  if (me === null || me.rank > limit) return listed === undefined;
  return listed?.rank === me.rank && listed.rating === me.rating;
}

/** The board's answer, given a caller's place (null: anonymous, or not on the board). */
function answerWith(board: BoardRequest, top: Pick<KeptTop, "periodStart" | "entries">) {
  return preparedWithLast<LeaderboardResponse, "me">(
    { period: board.period, words: board.words, periodStart: top.periodStart, entries: top.entries },
    "me",
  );
}

/**
 * Whether a top agrees with a player's own place: it lists them at that rank with that result when
 * the place is within the top, and not at all otherwise. A kept top that does not (the player's
 * newest result, or one that passed them, came after it) is read again.
 */
function showsPlace(entries: Entry[], me: LeaderboardEntry | null, userId: string, limit: number): boolean {
  const listed = entries.find((entry) => entry.userId === userId);
  if (me === null || me.rank > limit) return listed === undefined;
  return listed?.rank === me.rank && listed.gameId === me.gameId;
}
