/**
 * A player's profile: statistics (with the rating), the wpm graph, the rating's history, the race
 * history and the personal bests. Each read is one query over indexes
 * (game_results_user_timeline_idx, game_results_user_history_idx, user_stats, best_results; the
 * rating and the count of rated races are on the user row), and answers null when there is no such
 * user. The history lists every race played, finished or not, flagged or not; the graph and the
 * averages only the races that count (finished, unflagged: src/game/race/result.ts); the rating's
 * history only the rated races (a rating before and after: src/game/rating.ts).
 */
import { isProvisional } from "../game/rating.ts";
import { RACE_LENGTHS, type RaceLength } from "../protocol.ts";
import { batchedByKey } from "./batchedByKey.ts";
import { ALL_TIME_START } from "./bests.ts";
import type { Queries } from "./queries.ts";

/** The text lengths (words per race) that have personal bests and leaderboards. */

export interface ProfileStatistics {
  /** every race played */
  totalGames: number;
  /** the best finished, unflagged race: highest wpm, then accuracy, then the earlier one */
  wpmBest: number;
  accOfBest: number;
  bestGameId: string | null;
  /** over the last 10 races that count (finished, unflagged), by time */
  wpmAvg10: number;
  accAvg10: number;
  wpmAvgAll: number;
  accAvgAll: number;
  racesWon: number;
  timeTypingSeconds: number;
  /** the shown rating (src/game/rating.ts), kept on the user by the rating update */
  rating: number;
  provisional: boolean;
  ratedRaces: number;
}

/** A rated race of a player: the rating it left them with. */
export interface RatedRace {
  gameId: string;
  /** when the race started */
  playedAt: Date;
  ratingBefore: number;
  ratingAfter: number;
}

export interface RaceFigures {
  gameId: string;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  rank: number;
  finishedAt: Date;
}

/**
 * A page of a player's history. Its races come as the answer's JSON, made by PostgreSQL (see
 * `resultHistory`): each `{ gameId, wpm, wpmRaw, acc, accRaw, rank, finishedAt, playedAt, flagged,
 * playerCount, mode, wordCount }` of src/protocol.ts's `HistoryResponse`, newest first.
 */
export interface HistoryPage {
  total: number;
  page: number;
  size: number;
  hasPrev: boolean;
  hasNext: boolean;
  /** how many races the page holds */
  entries: number;
  /** the page's races, a JSON array */
  dataJson: string;
}

export interface PersonalBest {
  gameId: string;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  finishedAt: Date;
}

/** Averages are rounded to 2 decimals from exact sums in hundredths (wpm and acc have 2 decimals). */
export async function profileStatistics(db: Queries, userId: string): Promise<ProfileStatistics | null> {
  const rows = await db.$queryRaw<Array<Omit<ProfileStatistics, "provisional">>>`
    SELECT
      coalesce(s.played, 0)::int AS "totalGames",
      coalesce(best.wpm, 0) AS "wpmBest",
      coalesce(best.acc, 0) AS "accOfBest",
      best.game_id::text AS "bestGameId",
      coalesce(round(recent.wpm_centis / recent.races) / 100, 0)::float8 AS "wpmAvg10",
      coalesce(round(recent.acc_centis / recent.races) / 100, 0)::float8 AS "accAvg10",
      coalesce(round(s.wpm_centis::numeric / nullif(s.races, 0)) / 100, 0)::float8 AS "wpmAvgAll",
      coalesce(round(s.acc_centis::numeric / nullif(s.races, 0)) / 100, 0)::float8 AS "accAvgAll",
      coalesce(s.races_won, 0)::int AS "racesWon",
      coalesce(s.typing_ms / 1000.0, 0)::float8 AS "timeTypingSeconds",
      u.rating,
      u.rated_races AS "ratedRaces"
    FROM users AS u
    LEFT JOIN user_stats AS s ON s.user_id = u.id
    LEFT JOIN LATERAL (
      SELECT game_id, wpm, acc FROM best_results
      WHERE user_id = u.id AND period = 'all'
      ORDER BY wpm DESC, acc DESC, finished_at, game_id
      LIMIT 1
    ) AS best ON true
    LEFT JOIN LATERAL (
      SELECT nullif(count(*), 0)::numeric AS races,
             sum(round(last.wpm * 100))::numeric AS wpm_centis,
             sum(round(last.acc * 100))::numeric AS acc_centis
      FROM (
        SELECT wpm, acc FROM game_results
        WHERE user_id = u.id AND finished_at IS NOT NULL AND rank IS NOT NULL AND NOT flagged
        ORDER BY finished_at DESC, game_id DESC
        LIMIT 10
      ) AS last
    ) AS recent ON true
    WHERE u.id = ${userId}::uuid`;
  const [row] = rows;
  if (!row) return null;
  const { rating, ratedRaces, ...figures } = row;
  return { ...figures, rating, provisional: isProvisional(ratedRaces), ratedRaces };
}

/**
 * What the profile's reads change with (null: no such user): the races played, which every new
 * result counts, and the rated races, which the rating update counts when a rated race ends (after
 * its results were written) together with the new rating. Kept while PostgreSQL's notices say it
 * holds (src/db/userNotices.ts); the reads of one moment share one query (src/db/batchedByKey.ts).
 */
export function profileVersionReader(db: Queries): (userId: string) => Promise<string | null> {
  return batchedByKey(async (userIds: string[]) => {
    const rows = await db.$queryRaw<Array<{ id: string; version: string }>>`
      SELECT u.id::text AS id, coalesce(s.played, 0) || ':' || u.rated_races AS version
      FROM users AS u LEFT JOIN user_stats AS s ON s.user_id = u.id
      WHERE u.id = ANY(${userIds}::uuid[])`;
    return new Map(rows.map(({ id, version }) => [id, version]));
  }, null);
}

/** The last `last` races that count (finished, unflagged), oldest first. */
export async function resultGraph(db: Queries, userId: string, last: number): Promise<RaceFigures[] | null> {
  // Up to 1000 rows: times come as epoch milliseconds, which both drivers turn into numbers far
  // faster than timestamps into Dates.
  const rows = await db.$queryRaw<Array<Nullable<Omit<RaceFigures, "finishedAt"> & { finishedAt: number }>>>`
    SELECT r.game_id::text AS "gameId", r.wpm, r.wpm_raw AS "wpmRaw", r.acc, r.acc_raw AS "accRaw",
           r.rank, (extract(epoch FROM r.finished_at) * 1000)::float8 AS "finishedAt"
    FROM users AS u
    LEFT JOIN LATERAL (
      SELECT game_id, wpm, wpm_raw, acc, acc_raw, rank, finished_at FROM game_results
      WHERE user_id = u.id AND finished_at IS NOT NULL AND rank IS NOT NULL AND NOT flagged
      ORDER BY finished_at DESC, game_id DESC
      LIMIT ${last}
    ) AS r ON true
    WHERE u.id = ${userId}::uuid
    ORDER BY r.finished_at, r.game_id`;
  if (rows.length === 0) return null;
  const races: RaceFigures[] = [];
  for (const { finishedAt, ...row } of rows) {
    if (row.gameId !== null)
      races.push({ ...(row as Omit<RaceFigures, "finishedAt">), finishedAt: new Date(finishedAt!) });
  }
  return races;
}

/** The last `last` rated races (those with a rating before and after), oldest first. */
export async function ratingHistory(db: Queries, userId: string, last: number): Promise<RatedRace[] | null> {
  const rows = await db.$queryRaw<Array<Nullable<RatedRace>>>`
    SELECT r.game_id::text AS "gameId", r.played_at AS "playedAt",
           r.rating_before AS "ratingBefore", r.rating_after AS "ratingAfter"
    FROM users AS u
    LEFT JOIN LATERAL (
      -- Along game_results_user_history_idx, newest first, skipping the unrated.
      SELECT game_id, played_at, rating_before, rating_after FROM game_results
      WHERE user_id = u.id AND rating_after IS NOT NULL
      ORDER BY played_at DESC, game_id DESC
      LIMIT ${last}
    ) AS r ON true
    WHERE u.id = ${userId}::uuid
    ORDER BY r.played_at, r.game_id`;
  if (rows.length === 0) return null;
  return rows.filter((row) => row.gameId !== null) as RatedRace[];
}

/** `to_char`'s pattern for a UTC time as `Date.prototype.toISOString` writes it (times are kept to the millisecond). */
const ISO_TIME = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * Every race played, newest first by its start, `size` per page; pages start at 1. PostgreSQL writes
 * the page's JSON itself: a page not kept is read whole, and parsing its rows only for the server
 * to write them out again cost the server more than the rest of the request. Its numbers print as
 * JavaScript prints them (the shortest exact form), its times as `toISOString` does.
 */
export async function resultHistory(
  db: Queries,
  userId: string,
  page: number,
  size: number,
): Promise<HistoryPage | null> {
  const rows = await db.$queryRaw<Array<{ total: number; entries: number; dataJson: string }>>`
    SELECT coalesce(s.played, 0)::int AS total, count(r.game_id)::int AS entries,
           '[' || coalesce(string_agg(
             '{"gameId":"' || r.game_id || '","wpm":' || r.wpm || ',"wpmRaw":' || r.wpm_raw ||
             ',"acc":' || r.acc || ',"accRaw":' || r.acc_raw || ',"rank":' || coalesce(r.rank::text, 'null') ||
             ',"finishedAt":' ||
               coalesce('"' || to_char(r.finished_at AT TIME ZONE 'UTC', ${ISO_TIME}) || '"', 'null') ||
             ',"playedAt":"' || to_char(r.played_at AT TIME ZONE 'UTC', ${ISO_TIME}) || '"' ||
             ',"flagged":' || r.flagged || ',"playerCount":' || g.player_count ||
             ',"mode":' || to_json(g.mode)::text || ',"wordCount":' || g.word_count || '}',
             ',' ORDER BY r.played_at DESC, r.game_id DESC), '') || ']' AS "dataJson"
    FROM users AS u
    LEFT JOIN user_stats AS s ON s.user_id = u.id
    LEFT JOIN LATERAL (
      SELECT game_id, wpm, wpm_raw, acc, acc_raw, rank, finished_at, played_at, flagged FROM game_results
      WHERE user_id = u.id
      ORDER BY played_at DESC, game_id DESC
      OFFSET ${(page - 1) * size}
      LIMIT ${size}
    ) AS r ON true
    LEFT JOIN games AS g ON g.id = r.game_id
    WHERE u.id = ${userId}::uuid
    GROUP BY u.id, s.played`;
  const [first] = rows;
  if (!first) return null;
  return {
    total: first.total,
    page,
    size,
    hasPrev: page > 1,
    hasNext: page * size < first.total,
    entries: first.entries,
    dataJson: first.dataJson,
  };
}

/** The best finished, unflagged race per word bucket (null where the player has none). */
export async function personalBests(
  db: Queries,
  userId: string,
): Promise<Record<RaceLength, PersonalBest | null> | null> {
  const rows = await db.$queryRaw<Array<{ words: RaceLength } & Nullable<PersonalBest>>>`
    SELECT w.words, b.game_id::text AS "gameId", b.wpm, b.wpm_raw AS "wpmRaw", b.acc, b.acc_raw AS "accRaw",
           b.finished_at AS "finishedAt"
    FROM users AS u
    CROSS JOIN unnest(${[...RACE_LENGTHS]}::int[]) AS w (words)
    LEFT JOIN best_results AS b
      ON b.user_id = u.id AND b.period = 'all' AND b.word_count = w.words
     AND b.period_start = ${ALL_TIME_START}::date
    WHERE u.id = ${userId}::uuid`;
  if (rows.length === 0) return null;
  const bests = Object.fromEntries(RACE_LENGTHS.map((words) => [words, null])) as Record<
    RaceLength,
    PersonalBest | null
  >;
  for (const { words, ...best } of rows) if (best.gameId !== null) bests[words] = best as PersonalBest;
  return bests;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };
