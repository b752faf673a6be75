/**
 * Profiles: the signed-in player's own under /api/v1/profile, anyone's under
 * /api/v1/users/:userId, with the same reads and shapes (src/db/profiles.ts).
 */
import { type Request, type Response, Router } from "express";
import type { TokenService } from "../auth/tokens.ts";
import type { Database } from "../db/database.ts";
import {
  personalBests,
  profileStatistics,
  profileVersionReader,
  ratingHistory,
  resultGraph,
  resultHistory,
} from "../db/profiles.ts";
import type { Queries } from "../db/queries.ts";
import { findUser } from "../db/users.ts";
import { ApiErrorCode } from "../protocol.ts";
import { requireUser, signedInUser } from "./authenticate.ts";
import {
  type GraphResponse,
  graphQuery,
  type HistoryResponse,
  historyQuery,
  type PersonalBestsResponse,
  type PublicUserResponse,
  type RatingHistoryResponse,
  ratingHistoryQuery,
  type StatisticsResponse,
  userParams,
} from "./contracts/profile.ts";
import { ApiError } from "./errors.ts";
import { ProfileCache } from "./profileCache.ts";
import {
  keptGzipped,
  type PreparedBody,
  preparedData,
  preparedWithJsonLast,
  sendData,
  sendPrepared,
  withIsoTime,
} from "./respond.ts";
import { parseInput } from "./validate.ts";

export function profileRoutes(deps: { db: Database; tokens: TokenService }): Router {
  const router = Router();
  const whoseParam = (req: Request) => parseInput(userParams, req.params, "params").userId;
  const kept = new ProfileCache();
  const versionOf = deps.db.notices.keep(profileVersionReader(deps.db.sql), (version) => version !== null).of;

  router.use(
    "/profile",
    requireUser(deps.tokens),
    profileReads(deps.db.sql, kept, versionOf, (_req, res) => signedInUser(res).id),
  );

  router.get("/users/:userId", async (req, res) => {
    const user = found(await findUser(deps.db, whoseParam(req)));
    sendData<PublicUserResponse>(res, 200, { user });
  });
  router.use("/users/:userId", profileReads(deps.db.sql, kept, versionOf, whoseParam));

  return router;
}

/** The profile of the user `whose` names (validating the request's path). */
function profileReads(
  db: Queries,
  kept: ProfileCache,
  profileVersion: (userId: string) => Promise<string | null>,
  whose: (req: Request, res: Response) => string,
): Router {
  const router = Router({ mergeParams: true });

  /** The body kept for the player's `request` at their counts of races played and rated, or `read`'s. */
  async function keptOrRead(userId: string, request: string, read: () => Promise<PreparedBody>) {
    const key = `${userId}:${request}`;
    // Counted before the read: a result or a rating that lands in between makes the next request
    // read again.
    const version = found(await profileVersion(userId));
    let body = kept.get(key, version);
    if (body === undefined) {
      body = await keptGzipped(await read());
      kept.set(key, version, body);
    }
    return body;
  }

  router.get("/statistics", async (req, res) => {
    const userId = whose(req, res);
    const body = await keptOrRead(userId, "statistics", async () =>
      preparedData<StatisticsResponse>(found(await profileStatistics(db, userId))),
    );
    sendPrepared(res, 200, body);
  });

  router.get("/graph", async (req, res) => {
    const userId = whose(req, res);
    const { last } = parseInput(graphQuery, req.query, "query");
    const body = await keptOrRead(userId, `graph:${last}`, async () => {
      const races = found(await resultGraph(db, userId, last));
      return preparedData<GraphResponse>(races.map(withIsoTime));
    });
    sendPrepared(res, 200, body);
  });

  router.get("/rating-history", async (req, res) => {
    const userId = whose(req, res);
    const { last } = parseInput(ratingHistoryQuery, req.query, "query");
    const body = await keptOrRead(userId, `rating-history:${last}`, async () => {
      const races = found(await ratingHistory(db, userId, last));
      return preparedData<RatingHistoryResponse>(
        races.map((race) => ({ ...race, playedAt: race.playedAt.toISOString() })),
      );
    });
    sendPrepared(res, 200, body);
  });

  router.get("/history", async (req, res) => {
    const userId = whose(req, res);
    const { page, size } = parseInput(historyQuery, req.query, "query");
    const body = await keptOrRead(userId, `history:${page}:${size}`, async () => {
      const { entries: _, dataJson, ...history } = found(await resultHistory(db, userId, page, size));
      return preparedWithJsonLast<HistoryResponse, "data">(history, "data", dataJson);
    });
    sendPrepared(res, 200, body);
  });

  router.get("/personal-bests", async (req, res) => {
    const bests = found(await personalBests(db, whose(req, res)));
    const words = Object.fromEntries(
      Object.entries(bests).map(([count, best]) => [count, best && withIsoTime(best)]),
    ) as PersonalBestsResponse["words"];
    sendData<PersonalBestsResponse>(res, 200, { words });
  });

  return router;
}

function found<T>(value: T | null): T {
  if (value === null) throw new ApiError(404, ApiErrorCode.USER_NOT_FOUND, "no user with this id");
  return value;
}
