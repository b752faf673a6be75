/** The daily, weekly and all-time leaderboards (src/db/leaderboards.ts). */
import { Router } from "express";
import type { TokenService } from "../auth/tokens.ts";
import { leaderboard } from "../db/leaderboards.ts";
import type { Queries } from "../db/prisma.ts";
import { callerOf, optionalUser } from "./authenticate.ts";
import { type LeaderboardResponse, leaderboardQuery } from "./contracts/profile.ts";
import { sendData, withIsoTime } from "./respond.ts";
import { parseInput } from "./validate.ts";

export function leaderboardRoutes(deps: { sql: Queries; tokens: TokenService; raceWords: number }): Router {
  const router = Router();

  router.get("/", optionalUser(deps.tokens), async (req, res) => {
    const query = parseInput(leaderboardQuery, req.query, "query");
    const words = query.words ?? deps.raceWords;
    const board = await leaderboard(deps.sql, {
      period: query.period,
      words,
      limit: query.limit,
      at: query.date === undefined ? new Date() : new Date(`${query.date}T00:00:00Z`),
      callerId: callerOf(res)?.id,
    });
    sendData<LeaderboardResponse>(res, 200, {
      period: query.period,
      words,
      periodStart: board.periodStart,
      entries: board.entries.map(withIsoTime),
      me: board.me && withIsoTime(board.me),
    });
  });

  return router;
}
