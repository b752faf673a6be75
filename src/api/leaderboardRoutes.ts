/** The daily, weekly and all-time leaderboards (src/db/leaderboards.ts). */
import { Router } from "express";
import type { TokenService } from "../auth/tokens.ts";
import { leaderboard } from "../db/leaderboards.ts";
import type { Queries } from "../db/prisma.ts";
import { callerOf, optionalUser } from "./authenticate.ts";
import { BoardCache } from "./boardCache.ts";
import { type LeaderboardResponse, leaderboardQuery } from "./contracts/profile.ts";
import { preparedData, sendPrepared, withIsoTime } from "./respond.ts";
import { parseInput } from "./validate.ts";

export function leaderboardRoutes(deps: { sql: Queries; tokens: TokenService; raceWords: number }): Router {
  const router = Router();
  const anonymousBoards = new BoardCache();

  router.get("/", optionalUser(deps.tokens), async (req, res) => {
    const query = parseInput(leaderboardQuery, req.query, "query");
    const words = query.words ?? deps.raceWords;
    const at = query.date === undefined ? new Date() : new Date(`${query.date}T00:00:00Z`);
    const callerId = callerOf(res)?.id;
    // Only an anonymous board is kept: a signed-in caller's holds their own place.
    const key =
      callerId === undefined
        ? `${query.period}:${words}:${query.limit}:${at.toISOString().slice(0, 10)}`
        : undefined;
    let body = key === undefined ? undefined : anonymousBoards.get(key);
    if (body === undefined) {
      const board = await leaderboard(deps.sql, {
        period: query.period,
        words,
        limit: query.limit,
        at,
        callerId,
      });
      body = preparedData<LeaderboardResponse>({
        period: query.period,
        words,
        periodStart: board.periodStart,
        entries: board.entries.map(withIsoTime),
        me: board.me && withIsoTime(board.me),
      });
      if (key !== undefined) anonymousBoards.set(key, body);
    }
    sendPrepared(res, 200, body);
  });

  return router;
}
