import { Router } from "express";
import type { Database } from "../db/database.ts";
import { findGame, findResults, type StoredGame } from "../db/games.ts";
import { decodeKeystrokeLog } from "../game/keystrokeLog.ts";
import type { RaceSnapshot } from "../game/race/race.ts";
import { replayKeystrokes } from "../game/replay.ts";
import { ApiErrorCode, type RaceStatus, secondsUntil } from "../protocol.ts";
import { describeRace, LiveRoomsUnreachable, liveRaces } from "../rooms/liveRooms.ts";
import {
  type CountdownResponse,
  type GameResponse,
  gameParams,
  type LiveRacesResponse,
  type ReplayResponse,
  type ResultResponse,
} from "./contracts/games.ts";
import { ApiError } from "./errors.ts";
import { preparedData, sendData, sendForGood } from "./respond.ts";
import { parseInput } from "./validate.ts";

export function gameRoutes(deps: { db: Database }): Router {
  const router = Router();

  /** The public races on now, to watch (before /:gameId, which would take "live" for an id). */
  router.get("/live", async (_req, res) => {
    sendData<LiveRacesResponse>(res, 200, await liveRaces());
  });

  /** The race as it stands: live from its room while it runs, else from what was stored. */
  router.get("/:gameId", async (req, res) => {
    const { gameId } = parseInput(gameParams, req.params, "params");
    const now = Date.now();
    const race = await liveOrStored(deps.db, gameId);
    if ("live" in race) {
      const { live } = race;
      const until =
        live.status === "countdown" ? live.startsAt : live.status === "racing" ? live.endsAt : now;
      sendData<GameResponse>(res, 200, {
        gameId,
        mode: live.mode,
        status: live.status,
        words: live.words,
        wordCount: live.words.length,
        startsAt: new Date(live.startsAt).toISOString(),
        secondsLeft: secondsUntil(until, now),
        players: live.players,
      });
      return;
    }
    const { game } = race;
    const results = await findResults(deps.db, gameId);
    sendData<GameResponse>(res, 200, {
      gameId,
      mode: game.mode,
      status: game.status as RaceStatus,
      words: game.words,
      wordCount: game.words.length,
      startsAt: game.startsAt.toISOString(),
      secondsLeft: 0,
      players: results.map((result) => {
        const typist = replayKeystrokes(game.words, result.keystrokes);
        return {
          id: result.userId,
          name: result.name,
          wordIndex: typist.wordIndex,
          charIndex: typist.input.length,
          finished: result.rank !== null,
          rank: result.rank ?? 0,
        };
      }),
    });
  });

  router.get("/:gameId/countdown", async (req, res) => {
    const { gameId } = parseInput(gameParams, req.params, "params");
    const race = await liveOrStored(deps.db, gameId);
    const startsAt = "live" in race ? race.live.startsAt : race.game.startsAt.getTime();
    sendData<CountdownResponse>(res, 200, {
      startsAt: new Date(startsAt).toISOString(),
      secondsLeft: secondsUntil(startsAt, Date.now()),
    });
  });

  router.get("/:gameId/result", async (req, res) => {
    const { gameId } = parseInput(gameParams, req.params, "params");
    const game = await storedGame(deps.db, gameId);
    const results = await findResults(deps.db, gameId);
    // A race still running has stored the results of those who finished so far.
    const race = await liveOrStored(deps.db, gameId, game);
    const status = ("live" in race ? race.live.status : game.status) as RaceStatus;
    sendData<ResultResponse>(res, 200, {
      gameId,
      mode: game.mode,
      status,
      words: game.words,
      wordCount: game.words.length,
      startsAt: game.startsAt.toISOString(),
      endedAt: game.endedAt?.toISOString() ?? null,
      ranking: results.map(({ keystrokes: _, finishedAt, ...result }) => ({
        ...result,
        finishedAt: finishedAt?.toISOString() ?? null,
      })),
    });
  });

  /**
   * Every key of every player, to play the race again. Only once the race is over and all its
   * results are written (src/db/durableRaceStore.ts writes its end after them): from then on the
   * answer never changes.
   */
  router.get("/:gameId/replay", async (req, res) => {
    const { gameId } = parseInput(gameParams, req.params, "params");
    const game = await storedGame(deps.db, gameId);
    if (game.status !== "finished") {
      throw new ApiError(
        409,
        ApiErrorCode.RACE_NOT_OVER,
        "the race is not over yet: its replay comes when it is",
      );
    }
    const results = await findResults(deps.db, gameId);
    const replay: ReplayResponse = {
      gameId,
      mode: game.mode,
      words: game.words,
      startsAt: game.startsAt.toISOString(),
      players: results.map((result) => ({
        userId: result.userId,
        name: result.name,
        rank: result.rank,
        wpm: result.wpm,
        acc: result.acc,
        finished: result.rank !== null,
        flagged: result.flagged,
        keystrokes: decodeKeystrokeLog(result.keystrokes).map(({ at, key }) => [at, key]),
      })),
    };
    await sendForGood(req, res, preparedData(replay));
  });

  return router;
}

/**
 * The race from its room while it has one, else as stored. When the rooms of other processes
 * cannot be asked (Redis away), a stored game that is over is still the answer; one that is not may
 * be running elsewhere, and the lookup's failure (503) is.
 */
async function liveOrStored(
  db: Database,
  gameId: string,
  stored?: StoredGame,
): Promise<{ live: RaceSnapshot } | { game: StoredGame }> {
  try {
    const live = await describeRace(gameId);
    if (live) return { live };
  } catch (error) {
    if (!(error instanceof LiveRoomsUnreachable)) throw error;
    const game = stored ?? (await storedGame(db, gameId));
    if (game.status !== "finished") throw error;
    return { game };
  }
  return { game: stored ?? (await storedGame(db, gameId)) };
}

async function storedGame(db: Database, gameId: string): Promise<StoredGame> {
  const game = await findGame(db, gameId);
  if (!game) throw new ApiError(404, ApiErrorCode.GAME_NOT_FOUND, "no game with this id");
  return game;
}
