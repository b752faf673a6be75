/**
 * What a race writes to PostgreSQL: the game row when the lobby creates the race, each player's
 * result the moment that player finishes (DNF rows when the race ends), the game's end, which rates
 * a rated race (src/game/rating.ts). Every write is idempotent (a retried write changes nothing),
 * so the journal can replay them.
 */
import { type Best, countsForBests, isBetterBest, isNewPersonalBest } from "../game/personalBest.ts";
import { countsForAverages, type RaceResult } from "../game/race/result.ts";
import { type RatedResult, ratedStandings, rateRace, type Skill, shownRating } from "../game/rating.ts";
import type { RaceMode, RatingMessage } from "../protocol.ts";
import { batchedByKey } from "./batchedByKey.ts";
import { ALL_TIME_START, BEST_PERIODS, type BestPeriod, periodStart } from "./bests.ts";
import type { Database } from "./database.ts";
import type { Queries } from "./queries.ts";

export interface NewGame {
  id: string;
  mode: RaceMode;
  words: string[];
  playerCount: number;
  startsAt: Date;
}

/** A rated race's change to each of its rated players' rating, by user id; empty for any other race. */
export type RatingChanges = Map<string, RatingMessage>;

/** Where races are written: PostgreSQL here, or a durable journal in front of it. */
export interface RaceStore {
  createGame(game: NewGame): Promise<void>;
  recordResult(result: RaceResult): Promise<{ isPersonalBest: boolean }>;
  endGame(gameId: string, endedAt: Date): Promise<RatingChanges>;
}

/**
 * Results written at the same moment (a race's non-finishers at its end, races ending together)
 * share one transaction (src/db/batchedByKey.ts, `recordResults`).
 */
export function raceStore(db: Database): RaceStore {
  const recordInBatch = batchedByKey(
    async (results: RaceResult[]) => {
      const outcomes = await recordEachSettled(db, results);
      return new Map(results.map((result, i) => [result, outcomes[i]!]));
    },
    // Never used: recordEachSettled settles every result it is given.
    { status: "rejected", reason: new Error("not written") },
  );
  return {
    createGame: (game) => createGame(db, game),
    recordResult: async (result) => {
      const outcome = await recordInBatch(result);
      if (outcome.status === "rejected") throw outcome.reason;
      return outcome.value;
    },
    endGame: (gameId, endedAt) => endGame(db, gameId, endedAt),
  };
}

/**
 * All of `results` in one transaction; when that fails, each alone, so that one result PostgreSQL
 * refuses (its player deleted meanwhile, say) fails by itself rather than sending the others of
 * its moment back to the journal with it.
 */
async function recordEachSettled(
  db: Database,
  results: RaceResult[],
): Promise<Array<PromiseSettledResult<{ isPersonalBest: boolean }>>> {
  try {
    const answers = await recordResults(db, results);
    return answers.map((value) => ({ status: "fulfilled", value }));
  } catch (error) {
    if (results.length === 1) return [{ status: "rejected", reason: error }];
    return Promise.allSettled(results.map((result) => recordResult(db, result)));
  }
}

export async function createGame(db: Database, game: NewGame): Promise<void> {
  // Raw SQL: one per race start, many per second in a burst (src/db/database.ts).
  await db.sql.$executeRaw`
    INSERT INTO games (id, mode, words, word_count, player_count, status, starts_at)
    VALUES (${game.id}::uuid, ${game.mode}, ${game.words}, ${game.words.length}, ${game.playerCount}, 'countdown', ${game.startsAt})
    ON CONFLICT (id) DO NOTHING`;
}

/**
 * Records one player's result, once: a second call for the same (game, user) changes nothing and
 * answers what the first did. Whether it is a personal best is src/game/personalBest.ts's rule,
 * against every result of that user recorded before it (for one player, results arrive in the
 * order the races end; the journal keeps that order). The user's aggregates (src/db/bests.ts)
 * change in the same transaction.
 */
export async function recordResult(db: Database, result: RaceResult): Promise<{ isPersonalBest: boolean }> {
  const [answer] = await recordResults(db, [result]);
  return answer!;
}

/**
 * Records results as `recordResult` does each, answered in the order given, in one transaction of
 * three statements however many they are:
 *
 * 1. Lock their users' rows, in the order of their ids, as guest merges lock users
 *    (src/db/accounts.ts), so that the two never wait for each other's locks in a circle. Writes
 *    of one player's results (and a guest's races moving into an account) queue here.
 * 2. Read what those results are compared with: those already recorded, and the stored bests they
 *    could beat. Its own statement: only one that starts once the locks are held sees every result
 *    committed before them (a statement's snapshot is taken when it starts).
 * 3. Write the new results, the users' totals and the bests that changed, decided here in
 *    TypeScript (`decide`), one player's results in the order given, each seeing those before it.
 */
async function recordResults(
  db: Database,
  results: RaceResult[],
): Promise<Array<{ isPersonalBest: boolean }>> {
  const competing = results.map(bestsOf);
  const answers = await db.sql.transaction(async (tx) => {
    const guests = await lockUsers(tx, results);
    const stored = await storedBefore(tx, results, competing);
    const decided = decide(results, competing, stored, guests);
    if (decided.results.length > 0) await write(tx, decided);
    return decided.answers;
  });
  // Committed: this process's next profile read of these players sees them at once.
  db.notices.changed(results.map((result) => result.userId));
  return answers;
}

/** uuids as PostgreSQL prints them, for keys that match the ids read back. */
const id = (uuid: string) => uuid.toLowerCase();
const resultKey = (gameId: string, userId: string) => `${id(gameId)} ${id(userId)}`;
const bestKey = (userId: string, period: BestPeriod, start: string, wordCount: number) =>
  `${id(userId)} ${period} ${start} ${wordCount}`;

/** A best a result competes for: the user's of all time, of a UTC day or of an ISO week. */
interface BestSlot {
  period: BestPeriod;
  start: string;
  key: string;
}

/** The bests a result competes for: none unless it counts (src/game/personalBest.ts). */
function bestsOf(result: RaceResult): BestSlot[] {
  if (!countsForBests(result)) return [];
  return BEST_PERIODS.map((period) => {
    const start = periodStart(period, result.finishedAt);
    return { period, start, key: bestKey(result.userId, period, start, result.wordCount) };
  });
}

/** A result whose player no longer exists (their account was deleted): it can never be written. */
export class PlayerGoneError extends Error {
  override name = "PlayerGoneError";
}

/** Locks the users' rows; answers each one's guest flag. */
async function lockUsers(tx: Queries, results: RaceResult[]): Promise<Map<string, boolean>> {
  const userIds = [...new Set(results.map((result) => id(result.userId)))];
  const rows = await tx.$queryRaw<Array<{ id: string; guest: boolean }>>`
    SELECT id::text, guest FROM users WHERE id = ANY(${userIds}::uuid[]) ORDER BY users.id FOR NO KEY UPDATE`;
  const guests = new Map(rows.map((row) => [row.id, row.guest]));
  const unknown = userIds.find((userId) => !guests.has(userId));
  if (unknown !== undefined) throw new PlayerGoneError(`no user ${unknown}: its result cannot be recorded`);
  return guests;
}

interface Stored {
  /** isPersonalBest of each result recorded already, by resultKey */
  recorded: Map<string, boolean>;
  /** the stored bests the results compete for, by bestKey */
  bests: Map<string, Best>;
}

async function storedBefore(tx: Queries, results: RaceResult[], competing: BestSlot[][]): Promise<Stored> {
  const keys = new Map<string, { userId: string; period: BestPeriod; start: string; wordCount: number }>();
  for (const [i, result] of results.entries()) {
    for (const { period, start, key } of competing[i]!) {
      keys.set(key, { userId: result.userId, period, start, wordCount: result.wordCount });
    }
  }
  const wanted = [...keys.values()];
  const rows = await tx.$queryRaw<
    Array<{
      gameId: string;
      userId: string;
      isPersonalBest: boolean | null;
      period: BestPeriod | null;
      start: string | null;
      wordCount: number | null;
      wpm: number | null;
      acc: number | null;
      finishedAt: Date | null;
    }>
  >`
    SELECT r.game_id::text AS "gameId", r.user_id::text AS "userId", r.is_personal_best AS "isPersonalBest",
           NULL AS period, NULL AS start, NULL::int AS "wordCount", NULL::float8 AS wpm, NULL::float8 AS acc,
           NULL::timestamptz AS "finishedAt"
    FROM game_results AS r
    WHERE r.game_id = ANY(${results.map((r) => r.gameId)}::uuid[])
      AND r.user_id = ANY(${results.map((r) => r.userId)}::uuid[])
    UNION ALL
    SELECT b.game_id::text, b.user_id::text, NULL, b.period, b.period_start::text, b.word_count, b.wpm, b.acc,
           b.finished_at
    FROM unnest(
      ${wanted.map((k) => k.userId)}::uuid[], ${wanted.map((k) => k.period)}::text[],
      ${wanted.map((k) => k.wordCount)}::int[], ${wanted.map((k) => k.start)}::date[]
    ) AS wanted (user_id, period, word_count, period_start)
    JOIN best_results AS b USING (user_id, period, word_count, period_start)`;
  const stored: Stored = { recorded: new Map(), bests: new Map() };
  for (const row of rows) {
    if (row.period === null) stored.recorded.set(resultKey(row.gameId, row.userId), row.isPersonalBest!);
    else {
      stored.bests.set(bestKey(row.userId, row.period, row.start!, row.wordCount!), {
        gameId: row.gameId,
        wpm: row.wpm!,
        acc: row.acc!,
        finishedAt: row.finishedAt!,
      });
    }
  }
  return stored;
}

interface Decided {
  answers: Array<{ isPersonalBest: boolean }>;
  /** the results to insert, with their verdicts */
  results: Array<RaceResult & { isPersonalBest: boolean }>;
  /** the best_results rows to write: each the better best of its key after the results */
  bests: Array<{ userId: string; period: BestPeriod; start: string; guest: boolean; result: RaceResult }>;
}

/**
 * The verdict on each result in the order given, each seeing the ones before it as if recorded
 * already, by the rules of src/game/personalBest.ts.
 */
function decide(
  results: RaceResult[],
  competing: BestSlot[][],
  stored: Stored,
  guests: Map<string, boolean>,
): Decided {
  const decided: Decided = { answers: [], results: [], bests: [] };
  const changed = new Map<string, Decided["bests"][number]>();
  for (const [i, result] of results.entries()) {
    const key = resultKey(result.gameId, result.userId);
    const earlier = stored.recorded.get(key);
    if (earlier !== undefined) {
      decided.answers.push({ isPersonalBest: earlier });
      continue;
    }
    const allTime = stored.bests.get(bestKey(result.userId, "all", ALL_TIME_START, result.wordCount));
    const isPersonalBest = isNewPersonalBest(result, allTime);
    stored.recorded.set(key, isPersonalBest);
    decided.answers.push({ isPersonalBest });
    decided.results.push({ ...result, isPersonalBest });
    if (!countsForBests(result)) continue;
    for (const { period, start, key: slot } of competing[i]!) {
      const held = stored.bests.get(slot);
      if (held !== undefined && !isBetterBest(result, held)) continue;
      stored.bests.set(slot, result);
      changed.set(slot, {
        userId: result.userId,
        period,
        start,
        guest: guests.get(id(result.userId))!,
        result,
      });
    }
  }
  decided.bests = [...changed.values()];
  return decided;
}

/**
 * The new results, their users' totals (every race played; the finished, unflagged ones in the
 * averages, as src/game/race/result.ts counts them; wins as the race decided them) and the bests
 * that changed, in one statement. A result's played_at is its game's start.
 */
async function write(tx: Queries, decided: Decided): Promise<void> {
  const results = decided.results;
  const column = <T>(field: (result: RaceResult & { isPersonalBest: boolean }) => T) => results.map(field);
  const counted = column(countsForAverages);
  const bests = decided.bests;
  const best = <T>(field: (row: Decided["bests"][number]) => T) => bests.map(field);
  await tx.$executeRaw`
    WITH written AS (
      INSERT INTO game_results
        (game_id, user_id, rank, wpm, wpm_raw, acc, acc_raw, finished_at, word_count, duration_ms,
         flagged, won, keystrokes, is_personal_best, played_at)
      SELECT given.*, g.starts_at FROM unnest(
        ${column((r) => r.gameId)}::uuid[], ${column((r) => r.userId)}::uuid[],
        ${column((r) => r.rank)}::int[], ${column((r) => r.wpm)}::float8[],
        ${column((r) => r.wpmRaw)}::float8[], ${column((r) => r.acc)}::float8[],
        ${column((r) => r.accRaw)}::float8[], ${column((r) => r.finishedAt)}::timestamptz[],
        ${column((r) => r.wordCount)}::int[], ${column((r) => r.durationMs)}::int[],
        ${column((r) => r.flagged)}::bool[], ${column((r) => r.won)}::bool[],
        ${column((r) => r.keystrokes)}::bytea[], ${column((r) => r.isPersonalBest)}::bool[]
      ) AS given (game_id, user_id, rank, wpm, wpm_raw, acc, acc_raw, finished_at, word_count, duration_ms,
                  flagged, won, keystrokes, is_personal_best)
      JOIN games AS g ON g.id = given.game_id
      RETURNING user_id, game_id, wpm, acc, duration_ms, flagged, won
    ), counted AS (
      SELECT * FROM unnest(${column((r) => r.gameId)}::uuid[], ${column((r) => r.userId)}::uuid[], ${counted}::bool[])
        AS c (game_id, user_id, counted)
    ), totals AS (
      INSERT INTO user_stats AS s (user_id, played, races, races_won, wpm_centis, acc_centis, typing_ms)
      SELECT w.user_id, count(*), count(*) FILTER (WHERE c.counted), count(*) FILTER (WHERE w.won),
             coalesce(sum(round(w.wpm * 100)) FILTER (WHERE c.counted), 0)::bigint,
             coalesce(sum(round(w.acc * 100)) FILTER (WHERE c.counted), 0)::bigint,
             coalesce(sum(w.duration_ms) FILTER (WHERE NOT w.flagged), 0)::bigint
      FROM written AS w JOIN counted AS c USING (game_id, user_id)
      GROUP BY w.user_id
      ON CONFLICT (user_id) DO UPDATE SET
        played = s.played + excluded.played,
        races = s.races + excluded.races,
        races_won = s.races_won + excluded.races_won,
        wpm_centis = s.wpm_centis + excluded.wpm_centis,
        acc_centis = s.acc_centis + excluded.acc_centis,
        typing_ms = s.typing_ms + excluded.typing_ms
    )
    INSERT INTO best_results AS b
      (user_id, period, period_start, word_count, game_id, wpm, wpm_raw, acc, acc_raw, finished_at, guest)
    SELECT * FROM unnest(
      ${best((row) => row.userId)}::uuid[], ${best((row) => row.period)}::text[],
      ${best((row) => row.start)}::date[], ${best((row) => row.result.wordCount)}::int[],
      ${best((row) => row.result.gameId)}::uuid[], ${best((row) => row.result.wpm)}::float8[],
      ${best((row) => row.result.wpmRaw)}::float8[], ${best((row) => row.result.acc)}::float8[],
      ${best((row) => row.result.accRaw)}::float8[], ${best((row) => row.result.finishedAt)}::timestamptz[],
      ${best((row) => row.guest)}::bool[]
    )
    ON CONFLICT (user_id, period, word_count, period_start) DO UPDATE SET
      game_id = excluded.game_id, wpm = excluded.wpm, wpm_raw = excluded.wpm_raw,
      acc = excluded.acc, acc_raw = excluded.acc_raw, finished_at = excluded.finished_at`;
}

/**
 * Marks the game finished and, the first time it ends, rates it (src/game/rating.ts), in one
 * transaction: a race's players are rated all together or not at all. Its results are all written
 * by then (the durable store writes a game's end after them). Answers each rated player's change;
 * a second call (the journal replays writes) changes nothing and answers what the first did.
 *
 * A race closed as abandoned (its process died, src/rooms/abandonedRaces.ts) is never rated, even
 * when its end, left in the journal, arrives after all.
 *
 * Locks: the game's row first, so that two ends of one game run one after the other (FOR NO KEY
 * UPDATE, which the results' foreign keys do not wait for); then the players' rows, in the order
 * of their ids as recordResults and guest merges lock them, so that rated races of the same player
 * ending together are applied one after the other, each from the skill the other left.
 */
async function endGame(db: Database, gameId: string, endedAt: Date): Promise<RatingChanges> {
  const changes = await db.sql.transaction(async (tx): Promise<RatingChanges> => {
    const [game] = await tx.$queryRaw<Array<{ mode: RaceMode; status: string }>>`
      SELECT mode, status FROM games WHERE id = ${gameId}::uuid FOR NO KEY UPDATE`;
    if (!game) return new Map();
    if (game.status === "finished") return storedRatingChanges(tx, gameId);
    await tx.$executeRaw`UPDATE games SET status = 'finished', ended_at = ${endedAt} WHERE id = ${gameId}::uuid`;
    if (game.status === "abandoned") return new Map();
    return rateGame(tx, gameId, game.mode);
  });
  db.notices.changed(changes.keys());
  return changes;
}

/** What rating a game changed: its results' ratings before and after. */
async function storedRatingChanges(tx: Queries, gameId: string): Promise<RatingChanges> {
  const rows = await tx.$queryRaw<Array<{ userId: string; ratingBefore: number; ratingAfter: number }>>`
    SELECT user_id::text AS "userId", rating_before AS "ratingBefore", rating_after AS "ratingAfter"
    FROM game_results WHERE game_id = ${gameId}::uuid AND rating_before IS NOT NULL`;
  return new Map(rows.map(({ userId, ...change }) => [userId, change]));
}

/** A race's players changed while it was rated (a guest's races moved into an account): tried again. */
class RatedPlayersMovedError extends Error {
  override name = "RatedPlayersMovedError";
}

/**
 * Rates the game from its stored results, if it is a rated race: the players' new skills, one
 * more rated race each, and each rated result's rating before and after.
 */
async function rateGame(tx: Queries, gameId: string, mode: RaceMode): Promise<RatingChanges> {
  // The players' rows are locked before their results are read, in a statement of its own (which
  // sees every merge committed while it waited), so the skills read are the latest.
  const locked = await tx.$queryRaw<Array<{ id: string; mu: number; sigma: number }>>`
    SELECT id::text, mu, sigma FROM users
    WHERE id IN (SELECT user_id FROM game_results WHERE game_id = ${gameId}::uuid)
    ORDER BY id FOR NO KEY UPDATE`;
  // A keystroke log holds its entries and nothing else (src/game/keystrokeLog.ts): an empty one
  // is a player who never typed a key.
  const results = await tx.$queryRaw<RatedResult[]>`
    SELECT user_id::text AS "userId", rank, flagged, octet_length(keystrokes) > 0 AS typed
    FROM game_results WHERE game_id = ${gameId}::uuid`;
  const standings = ratedStandings(mode, results);
  if (standings.length === 0) return new Map();
  const before = new Map<string, Skill>(locked.map(({ id, mu, sigma }) => [id, { mu, sigma }]));
  if (standings.some(({ userId }) => !before.has(userId))) {
    throw new RatedPlayersMovedError(`the players of game ${gameId} changed while it was rated`);
  }
  const after = rateRace(standings, before);
  const rated = standings.map(({ userId }) => {
    const skill = after.get(userId)!;
    return {
      userId,
      skill,
      ratingBefore: shownRating(before.get(userId)!),
      ratingAfter: shownRating(skill),
    };
  });
  const column = <T>(field: (row: (typeof rated)[number]) => T) => rated.map(field);
  await tx.$executeRaw`
    WITH given AS (
      SELECT * FROM unnest(
        ${column((r) => r.userId)}::uuid[], ${column((r) => r.skill.mu)}::float8[],
        ${column((r) => r.skill.sigma)}::float8[], ${column((r) => r.ratingBefore)}::int[],
        ${column((r) => r.ratingAfter)}::int[]
      ) AS given (user_id, mu, sigma, rating_before, rating_after)
    ), skills AS (
      UPDATE users AS u
      SET mu = given.mu, sigma = given.sigma, rating = given.rating_after, rated_races = u.rated_races + 1
      FROM given WHERE u.id = given.user_id
    )
    UPDATE game_results AS r
    SET rating_before = given.rating_before, rating_after = given.rating_after
    FROM given WHERE r.game_id = ${gameId}::uuid AND r.user_id = given.user_id`;
  return new Map(
    rated.map(({ userId, ratingBefore, ratingAfter }) => [userId, { ratingBefore, ratingAfter }]),
  );
}

/** Each user's best finished, unflagged wpm over races of this length (0 when none). */
export async function bestWpmByUser(
  db: Database,
  userIds: string[],
  wordCount: number,
): Promise<Map<string, number>> {
  const rows = await db.prisma.gameResult.groupBy({
    by: ["userId"],
    where: { userId: { in: userIds }, wordCount, rank: { not: null }, flagged: false },
    _max: { wpm: true },
  });
  return new Map(rows.map((row) => [row.userId, row._max.wpm ?? 0]));
}
