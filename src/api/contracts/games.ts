import { z } from "zod";
import { type LiveRace, RACE_MODES, RACE_STATUSES } from "../../protocol.ts";

export const lobbyParams = z.object({
  roomId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a room id" }),
});
export const gameParams = z.object({ gameId: z.uuid({ error: "must be a game id (a uuid)" }) });

export const lobbyResponse = z
  .object({
    players: z.array(z.object({ id: z.string(), name: z.string() })),
    maxPlayers: z.number().int(),
    secondsLeft: z.number().int(),
  })
  .meta({ id: "Lobby" });
export type LobbyResponse = z.infer<typeof lobbyResponse>;

export const leaveLobbyResponse = z.object({ left: z.literal(true) });
export type LeaveLobbyResponse = z.infer<typeof leaveLobbyResponse>;

const raceStatus = z.enum(RACE_STATUSES);

const raceMode = z.enum(RACE_MODES);
const playerPosition = z.object({
  id: z.string(),
  name: z.string(),
  wordIndex: z.number().int(),
  charIndex: z.number().int(),
  finished: z.boolean(),
  rank: z.number().int(),
});

export const gameResponse = z
  .object({
    gameId: z.uuid(),
    mode: raceMode,
    status: raceStatus,
    words: z.array(z.string()),
    wordCount: z.number().int(),
    startsAt: z.iso.datetime(),
    /** seconds until typing opens (countdown), until the time limit (racing), 0 when finished */
    secondsLeft: z.number().int(),
    players: z.array(playerPosition),
  })
  .meta({ id: "Game" });

/** Newest first, at most 50: public races in countdown or racing, on every process. */
export const liveRacesResponse = z
  .array(
    z
      .object({
        gameId: z.uuid(),
        mode: z.literal("public"),
        /** the race's length in words */
        words: z.number().int(),
        status: z.enum(["countdown", "racing"]),
        startsAt: z.iso.datetime(),
        spectators: z.number().int(),
        players: z.array(playerPosition),
      })
      .meta({ id: "LiveRace" }),
  )
  .meta({ id: "LiveRaces" });
export type LiveRacesResponse = LiveRace[];
export type GameResponse = z.infer<typeof gameResponse>;

export const countdownResponse = z.object({ startsAt: z.iso.datetime(), secondsLeft: z.number().int() });
export type CountdownResponse = z.infer<typeof countdownResponse>;

const rankingEntry = z
  .object({
    userId: z.string(),
    name: z.string(),
    rank: z.number().int().nullable(),
    wpm: z.number(),
    wpmRaw: z.number(),
    acc: z.number(),
    accRaw: z.number(),
    finishedAt: z.iso.datetime().nullable(),
    /** ms from the start to the finish; for a player who did not finish, from their first key to their last */
    durationMs: z.number().int(),
    /** the fair-play check's suspicion: the place stands, but it counts for no win, best or average */
    flagged: z.boolean(),
    /** first place in a race of two or more, unflagged */
    won: z.boolean(),
    /** the best of this player's finished races of this length, at the time it was run */
    isPersonalBest: z.boolean(),
    /** the player's rating before and after the race; null for an unrated race or player (or not yet rated) */
    ratingBefore: z.number().int().nullable(),
    ratingAfter: z.number().int().nullable(),
  })
  .meta({ id: "RankingEntry" });
export const resultResponse = z
  .object({
    gameId: z.uuid(),
    mode: raceMode,
    status: raceStatus,
    words: z.array(z.string()),
    wordCount: z.number().int(),
    startsAt: z.iso.datetime(),
    endedAt: z.iso.datetime().nullable(),
    ranking: z.array(rankingEntry),
  })
  .meta({ id: "GameResult" });
export type ResultResponse = z.infer<typeof resultResponse>;

/** One key of a replay: ms since the start, and the key (" " a space, "Backspace"). */
const replayKey = z.tuple([z.number().int().min(0), z.string()]);

export const replayResponse = z
  .object({
    gameId: z.uuid(),
    mode: raceMode,
    words: z.array(z.string()),
    startsAt: z.iso.datetime(),
    players: z.array(
      z
        .object({
          userId: z.string(),
          name: z.string(),
          /** finishing place; null: did not finish */
          rank: z.number().int().nullable(),
          wpm: z.number(),
          acc: z.number(),
          finished: z.boolean(),
          /** the fair-play check's suspicion: replayed all the same */
          flagged: z.boolean(),
          /** every key the server applied, in order: [ms since the start, key] */
          keystrokes: z.array(replayKey),
        })
        .meta({ id: "ReplayPlayer" }),
    ),
  })
  .meta({ id: "Replay" });
export type ReplayResponse = z.infer<typeof replayResponse>;
