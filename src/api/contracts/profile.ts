/** Profiles (`/api/v1/profile/*`, `/api/v1/users/:userId/*`) and leaderboards (`/api/v1/leaderboards`). */

import { z } from "zod";
import { LEADERBOARD_BOARDS, LEADERBOARD_PERIODS, RACE_MODES } from "../../protocol.ts";
import { publicUser } from "./common.ts";

/** A whole number in a query string, within bounds. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be a whole number from ${min} to ${max}` })
        .max(max, { error: `must be a whole number from ${min} to ${max}` }),
    );
const queryInteger = (min: number, max: number, fallback: number) => wholeNumber(min, max).default(fallback);

export const userParams = z.object({ userId: z.uuid({ error: "must be a user id (a uuid)" }) });

export const graphQuery = z
  .object({
    last: queryInteger(1, 1000, 10).describe("how many of the last finished races: 1–1000, default 10"),
  })
  .strict();
/** The same bounds and default as the wpm graph's. */
export const ratingHistoryQuery = z
  .object({
    last: queryInteger(1, 1000, 10).describe("how many of the last rated races: 1–1000, default 10"),
  })
  .strict();
export const historyQuery = z
  .object({
    page: queryInteger(1, 1_000_000, 1).describe("the page, from 1 (at most 1 000 000); default 1"),
    size: queryInteger(1, 50, 50).describe("races per page: 1–50, default 50"),
  })
  .strict();

export const leaderboardQuery = z
  .object({
    board: z
      .enum(LEADERBOARD_BOARDS, { error: "must be wpm or rating" })
      .default("wpm")
      .describe(
        "wpm: best results of a period and length; rating: players by rating (period, words and date do not apply to it)",
      ),
    period: z
      .enum(LEADERBOARD_PERIODS, { error: "must be daily, weekly or all" })
      .default("daily")
      .describe("a UTC day, an ISO week (Monday to Sunday, UTC) or all time"),
    words: wholeNumber(1, 500).optional().describe("the race length in words, 1–500; default this server's"),
    limit: queryInteger(1, 100, 50).describe("how many entries: 1–100, default 50"),
    date: z.iso
      .date({ error: "must be a date: YYYY-MM-DD" })
      .optional()
      .describe("which UTC day (daily), or the ISO week holding it (weekly); default today"),
  })
  .strict()
  .refine((query) => query.period !== "all" || query.date === undefined, {
    error: "a date is for the daily and weekly leaderboards only",
    path: ["date"],
  });

export type LeaderboardQuery = z.infer<typeof leaderboardQuery>;

export const publicUserResponse = z.object({ user: publicUser });
export type PublicUserResponse = z.infer<typeof publicUserResponse>;

export const statisticsResponse = z
  .object({
    totalGames: z.number().int(),
    wpmBest: z.number(),
    accOfBest: z.number(),
    bestGameId: z.uuid().nullable(),
    wpmAvg10: z.number(),
    accAvg10: z.number(),
    wpmAvgAll: z.number(),
    accAvgAll: z.number(),
    racesWon: z.number().int(),
    timeTypingSeconds: z.number(),
    /** the shown rating (src/game/rating.ts): 1000 for a newcomer */
    rating: z.number().int(),
    /** fewer than 10 rated races: the rating is still settling, and the rating board leaves them out */
    provisional: z.boolean(),
    ratedRaces: z.number().int(),
  })
  .meta({ id: "Statistics" });
export type StatisticsResponse = z.infer<typeof statisticsResponse>;

const raceFigures = z
  .object({
    gameId: z.uuid(),
    wpm: z.number(),
    wpmRaw: z.number(),
    acc: z.number(),
    accRaw: z.number(),
    rank: z.number().int(),
    finishedAt: z.iso.datetime(),
  })
  .meta({ id: "RaceFigures" });

/** Oldest first. */
export const graphResponse = z.array(raceFigures);
export type GraphResponse = z.infer<typeof graphResponse>;

export const historyResponse = z
  .object({
    total: z.number().int(),
    page: z.number().int(),
    size: z.number().int(),
    hasPrev: z.boolean(),
    hasNext: z.boolean(),
    /** every race played, newest first by its start; a race not finished has rank and finishedAt null */
    data: z.array(
      raceFigures.extend({
        rank: z.number().int().nullable(),
        finishedAt: z.iso.datetime().nullable(),
        playedAt: z.iso.datetime(),
        flagged: z.boolean(),
        playerCount: z.number().int(),
        mode: z.enum(RACE_MODES),
        /** the race's length in words */
        wordCount: z.number().int(),
      }),
    ),
  })
  .meta({ id: "History" });
export type HistoryResponse = z.infer<typeof historyResponse>;

/** The player's last rated races, oldest first: the rating each one left them with. */
export const ratingHistoryResponse = z
  .array(
    z
      .object({
        gameId: z.uuid(),
        /** when the race started */
        playedAt: z.iso.datetime(),
        ratingBefore: z.number().int(),
        ratingAfter: z.number().int(),
      })
      .meta({ id: "RatedRace" }),
  )
  .meta({ id: "RatingHistory" });
export type RatingHistoryResponse = z.infer<typeof ratingHistoryResponse>;

const personalBest = raceFigures.omit({ rank: true }).meta({ id: "PersonalBest" });
export const personalBestsResponse = z
  .object({
    /** by words per race; null where the player has no finished, unflagged race of that length */
    words: z.object({
      "10": personalBest.nullable(),
      "25": personalBest.nullable(),
      "50": personalBest.nullable(),
      "100": personalBest.nullable(),
    }),
  })
  .meta({ id: "PersonalBests" });
export type PersonalBestsResponse = z.infer<typeof personalBestsResponse>;

const leaderboardEntry = z
  .object({
    rank: z.number().int(),
    userId: z.uuid(),
    name: z.string(),
    guest: z.boolean(),
    gameId: z.uuid(),
    wpm: z.number(),
    wpmRaw: z.number(),
    acc: z.number(),
    accRaw: z.number(),
    finishedAt: z.iso.datetime(),
  })
  .meta({ id: "LeaderboardEntry" });

const wpmLeaderboard = z
  .object({
    period: z.enum(LEADERBOARD_PERIODS),
    words: z.number().int(),
    /** the UTC day, or the Monday of the ISO week (YYYY-MM-DD); null for all time */
    periodStart: z.iso.date().nullable(),
    entries: z.array(leaderboardEntry),
    /** the signed-in caller's own place, even outside the top `limit`; null when not on the board */
    me: leaderboardEntry.nullable(),
  })
  .meta({ id: "Leaderboard" });
export type LeaderboardResponse = z.infer<typeof wpmLeaderboard>;

const ratingEntry = z
  .object({
    rank: z.number().int(),
    userId: z.uuid(),
    name: z.string(),
    rating: z.number().int(),
    ratedRaces: z.number().int(),
  })
  .meta({ id: "RatingEntry" });

const ratingLeaderboard = z
  .object({
    board: z.literal("rating"),
    /** registered players with at least 10 rated races, by rating, then id */
    entries: z.array(ratingEntry),
    /** the signed-in caller's own place, even outside the top `limit`; null when not on the board */
    me: ratingEntry.nullable(),
  })
  .meta({ id: "RatingLeaderboard" });
export type RatingLeaderboardResponse = z.infer<typeof ratingLeaderboard>;

/** board=wpm (the default): a Leaderboard; board=rating: a RatingLeaderboard. */
export const leaderboardResponse = z.union([wpmLeaderboard, ratingLeaderboard]);
