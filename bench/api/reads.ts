/**
 * The reads the API bench measures, each both as an HTTP request to the public routes
 * (src/api/profileRoutes.ts, src/api/leaderboardRoutes.ts; no token, so no signature check) and
 * as the src/db/ function its route calls with the same arguments.
 */

import { boardPlaces, boardTop } from "../../src/db/leaderboards.ts";
import { profileStatistics, resultGraph, resultHistory } from "../../src/db/profiles.ts";
import type { Queries } from "../../src/db/queries.ts";
import type { LeaderboardPeriod } from "../../src/protocol.ts";
import type { HttpRequest } from "./load.ts";

export interface ApiRead {
  name: string;
  /** how many distinct requests it cycles through */
  variants: number;
  /** the i-th HTTP request */
  request(i: number): HttpRequest;
  /** the i-th request's database read, as its route makes it; resolves to the rows answered */
  read(db: Queries, i: number): Promise<number>;
}

export interface ReadTargets {
  /** the player with the most finished races: the largest profile */
  heavyUser: string;
  /** players with finished races, for reads spread over many profiles */
  sampleUsers: string[];
  /** a full UTC day of the seeded period (YYYY-MM-DD), for the daily board */
  boardDay: string;
  /** players with an access token each, for boards read signed in (with the caller's own place) */
  signedIn: Array<{ id: string; token: string }>;
}

/** The issue's graph size (N = 1000, the most the API allows). */
const GRAPH_LAST = 1000;
/** The history's first page at its default (and largest) size. */
const HISTORY_SIZE = 50;
/** The seed's usual race length (scripts/db/seed.ts); the bench server's RACE_WORDS default is not. */
const BOARD_WORDS = 25;
const BOARD_LIMIT = 50;

/** As a browser asks: the server's kept answers of 1 KB or more then come gzipped (src/api/respond.ts). */
export const BROWSER_HEADERS = { "accept-encoding": "gzip, deflate, br, zstd" };
/** The headers every request sends: a browser's, or none (`--no-gzip`). */
type Asked = Record<string, string>;

type Found<T> = Promise<T | null>;

/** Answers the rows of a read, failing on a missing user: a 404 is not a measurement. */
async function rows<T>(answer: Found<T>, count: (found: T) => number): Promise<number> {
  const found = await answer;
  if (found === null) throw new Error("no such user");
  return count(found);
}

function profileReads(label: string, users: string[], asked: Asked): ApiRead[] {
  const user = (i: number) => users[i % users.length]!;
  const read = (
    name: string,
    path: (id: string) => string,
    run: (db: Queries, id: string) => Promise<number>,
  ) => ({
    name: `${name} · ${label}`,
    variants: users.length,
    request: (i: number) => ({ path: path(user(i)), headers: asked }),
    read: (db: Queries, i: number) => run(db, user(i)),
  });
  return [
    read(
      "statistics",
      (id) => `/api/v1/users/${id}/statistics`,
      (db, id) => rows(profileStatistics(db, id), () => 1),
    ),
    read(
      `graph N=${GRAPH_LAST}`,
      (id) => `/api/v1/users/${id}/graph?last=${GRAPH_LAST}`,
      (db, id) => rows(resultGraph(db, id, GRAPH_LAST), (races) => races.length),
    ),
    read(
      "history p1",
      (id) => `/api/v1/users/${id}/history?page=1&size=${HISTORY_SIZE}`,
      (db, id) => rows(resultHistory(db, id, 1, HISTORY_SIZE), (page) => page.entries),
    ),
  ];
}

/** A board read anonymously, or by each of `callers` in turn (their own place with it). */
function boardRead(
  period: LeaderboardPeriod,
  day: string | undefined,
  asked: Asked,
  callers?: ReadTargets["signedIn"],
): ApiRead {
  const query = `period=${period}&words=${BOARD_WORDS}&limit=${BOARD_LIMIT}${day ? `&date=${day}` : ""}`;
  const caller = (i: number) => callers?.[i % callers.length];
  return {
    name: `leaderboard ${period}${day ? ` ${day}` : ""}${callers ? ` · signed in, ${callers.length} players` : ""}`,
    variants: callers?.length ?? 1,
    request: (i) => {
      const token = caller(i)?.token;
      return {
        path: `/api/v1/leaderboards?${query}`,
        headers: token ? { ...asked, authorization: `Bearer ${token}` } : asked,
      };
    },
    // The route's two queries (its top is kept, the caller's place never is), both every time;
    // the place alone in its query (the route puts the places asked at one moment in one).
    read: async (db, i) => {
      // as the route does: the start of the given day, else now
      const board = { period, words: BOARD_WORDS, at: day ? new Date(`${day}T00:00:00Z`) : new Date() };
      const userId = caller(i)?.id;
      const [top] = await Promise.all([
        boardTop(db, { ...board, limit: BOARD_LIMIT }),
        userId === undefined ? null : boardPlaces(db, { ...board, userIds: [userId] }),
      ]);
      return top.entries.length;
    },
  };
}

export function apiReads(targets: ReadTargets, asked: Asked): ApiRead[] {
  return [
    ...profileReads("heaviest player", [targets.heavyUser], asked),
    ...profileReads(`${targets.sampleUsers.length} players`, targets.sampleUsers, asked),
    boardRead("daily", targets.boardDay, asked),
    boardRead("all", undefined, asked),
    boardRead("all", undefined, asked, targets.signedIn),
  ];
}
