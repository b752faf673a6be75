/**
 * Fills a database with realistic races, for manual checks and benchmarks:
 *
 *   npm run db:seed -- --users 10000 --results 1000000 [--days 180] [--seed 42]
 *
 * On DATABASE_URL, or on the embedded PostgreSQL under DATA_DIR (like db:migrate); migrations are
 * applied first. It adds to what is there, all in one transaction, then recomputes every user's
 * aggregates (src/db/bests.ts) in SQL and vacuums, so the data is as if every race had been
 * recorded by the race rooms. Progress goes to stderr. It holds game_results and best_results
 * locked until it commits (their indexes are rebuilt at the end): not for a database in use.
 *
 * The players: most are guests; each has a skill (wpm around 70, sd 17, plus sd 10 per race:
 * about normal(70, 20) over all races), an accuracy and an activity (log-normal: a few play a
 * lot). The races: spread evenly over the last `days` days, 1–5 players each, mostly 25 words; a
 * player is never in two races at once; ranks by finishing time; some do not finish (the time
 * limit, or 5% who give up); under 1% are flagged, many of them from a few cheaters. Keystroke logs
 * type the race's text at the player's speed, with mistakes corrected by Backspace, and every
 * figure of a result is what the race would have computed from its log (src/game/replay.ts), so
 * that replays and charts of seeded races end on their stored figures.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { friendlyGuestName } from "../../src/auth/guestNames.ts";
import { ConfigError, parseSettings, type Settings } from "../../src/config.ts";
import { rebuildAggregates } from "../../src/db/bests.ts";
import { sqlOver } from "../../src/db/database.ts";
import { provideDatabaseServer } from "../../src/db/databaseServer.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import { isNewPersonalBest } from "../../src/game/personalBest.ts";
import { scoredTimeMs } from "../../src/game/race/result.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { computeStats, wordsPerMinute } from "../../src/game/stats.ts";
import { pickWords } from "../../src/game/text.ts";
import { applyKey, newTypist } from "../../src/game/typingEngine.ts";
import { createLogger } from "../../src/log.ts";

export interface SeedOptions {
  users: number;
  results: number;
  /** results are spread over the `days` days before `now` */
  days: number;
  /** the same seed gives the same races (ids included) */
  seed: number;
  now: Date;
}

export interface SeedSummary {
  users: number;
  games: number;
  results: number;
}

const GUEST_SHARE = 0.8;
const CHEATER_SHARE = 0.005;
const GIVE_UP_SHARE = 0.05;
const TIME_LIMIT_MS = 120_000;
const COUNTDOWN_MS = 5_000;
/** The least time between two races' starts, so that the last ones reach the end of the period. */
const MIN_GAP_MS = 1_000;
/** Players per race, 1 to 5 (weights). */
const PLAYER_COUNTS = [0.15, 0.25, 0.25, 0.2, 0.15];
/** Words per race (weights): mostly the default 25. */
const WORD_COUNTS: Array<[number, number]> = [
  [25, 0.8],
  [10, 0.07],
  [50, 0.09],
  [100, 0.04],
];
const WORD_WEIGHTS = WORD_COUNTS.map(([, weight]) => weight);
const COPY_CHUNK = 256 * 1024;
const COPY_AHEAD = 16 * 1024 * 1024;

interface Player {
  id: string;
  name: string;
  guest: boolean;
  skill: number;
  accuracy: number;
  cheater: boolean;
  busyUntil: number;
}

export async function seedDatabase(
  databaseUrl: string,
  options: SeedOptions,
  progress: (line: string) => void = () => {},
): Promise<SeedSummary> {
  await applyMigrations(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  try {
    await client.query("BEGIN");
    // Two passes over the same simulation: the games first, since results refer to them.
    const first = simulation(options);
    const joined = iso(options.now.getTime() - (options.days + 1) * 86_400_000);
    await copyRows(
      client,
      "users (id, name, guest, created_at)",
      first.players.map((player) => `${player.id}\t${player.name}\t${player.guest ? "t" : "f"}\t${joined}\n`),
    );
    let games = 0;
    await copyRows(
      client,
      "games (id, words, word_count, player_count, status, starts_at, ended_at, created_at)",
      map(first.races(), (race) => {
        games++;
        return race.gameRow;
      }),
    );
    progress(`seed: ${first.players.length} users, ${games} races (${elapsed()})`);

    // Indexes are built once at the end rather than kept up to date row by row.
    const indexes = await dropSecondaryIndexes(client, ["game_results", "best_results"]);
    let written = 0;
    let nextReport = options.results / 10;
    const keystrokeRandom = seededRandom(options.seed + 1);
    await copyRows(
      client,
      "game_results (game_id, user_id, rank, wpm, wpm_raw, acc, acc_raw, finished_at, word_count, duration_ms, flagged, won, keystrokes, is_personal_best, played_at)",
      map(simulation(options).races(), (race) => {
        written += race.results.length;
        if (written >= nextReport) {
          progress(`seed: ${written} / ${options.results} results (${elapsed()})`);
          nextReport += options.results / 10;
        }
        return race.results.map((one) => resultRow(race, one, keystrokeRandom)).join("");
      }),
    );

    // Sorts of a million rows, in memory.
    await client.query("SET LOCAL work_mem = '256MB'");
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    await rebuildAggregates(sqlOver(client));
    for (const definition of indexes) await client.query(definition);
    await client.query("COMMIT");
    progress(`seed: statistics, personal bests and leaderboards rebuilt (${elapsed()})`);
    await client.query("VACUUM ANALYZE users, games, game_results, best_results, user_stats");
    progress(`seed: vacuumed and analyzed (${elapsed()})`);
    return { users: first.players.length, games, results: written };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

interface SimulatedRace {
  gameId: string;
  words: string[];
  text: string;
  wordCount: number;
  startsAt: number;
  playerCount: number;
  /** the games row, in COPY text format */
  gameRow: string;
  results: SimulatedResult[];
}

interface SimulatedResult {
  outcome: Outcome;
  rank: number | null;
  finishedAt: number | null;
  isPersonalBest: boolean;
}

/** The game_results row, in COPY text format. */
function resultRow(race: SimulatedRace, one: SimulatedResult, random: () => number): string {
  const { outcome } = one;
  const typed = typeTheRace(race, outcome, random);
  const fields = [
    race.gameId,
    outcome.player.id,
    one.rank ?? "\\N",
    typed.wpm,
    typed.wpmRaw,
    typed.acc,
    typed.accRaw,
    one.finishedAt === null ? "\\N" : iso(one.finishedAt),
    race.wordCount,
    typed.durationMs,
    outcome.flagged ? "t" : "f",
    // As the race decides it (src/game/race/race.ts): first place of two or more, unflagged.
    one.rank === 1 && !outcome.flagged && race.playerCount >= 2 ? "t" : "f",
    `\\\\x${typed.log}`,
    one.isPersonalBest ? "t" : "f",
    iso(race.startsAt),
  ];
  return `${fields.join("\t")}\n`;
}

/** The players, then their races in order of time: the same every time for the same options. */
function simulation(options: SeedOptions) {
  const random = seededRandom(options.seed);
  const gaussian = normal(random);
  const players: Player[] = Array.from({ length: options.users }, (_, i) => {
    const guest = random() < GUEST_SHARE;
    return {
      id: uuid(random),
      name: guest ? friendlyGuestName((max) => Math.floor(random() * max)) : `typist${i + 1}`,
      guest,
      skill: clamp(70 + 17 * gaussian(), 15, 180),
      accuracy: clamp(95 + 2.5 * gaussian(), 75, 99.9),
      cheater: random() < CHEATER_SHARE,
      busyUntil: 0,
    };
  });
  const activity = cumulative(players.map(() => Math.exp(1.1 * gaussian())));

  function* races(): Generator<SimulatedRace> {
    const meanPlayers = PLAYER_COUNTS.reduce((sum, weight, i) => sum + weight * (i + 1), 0);
    const span = options.days * 86_400_000;
    const fastest = new Map<string, { wpm: number }>();
    const lastStart = options.now.getTime() - TIME_LIMIT_MS;
    let startsAt = lastStart + TIME_LIMIT_MS - span;
    let left = options.results;

    while (left > 0) {
      // What is left, spread over the time left: races with fewer players than the mean (some
      // busy) do not push the last ones past the end of the period.
      const gap = Math.max(MIN_GAP_MS, (lastStart - startsAt) / Math.max(1, left / meanPlayers));
      startsAt = Math.min(startsAt + gap * 2 * random(), lastStart);
      const wanted = Math.min(left, 1 + pick(PLAYER_COUNTS, random));
      let racers = freePlayers(players, activity, wanted, startsAt, random);
      // Only when the period is too short for so many races do a player's races overlap: at its
      // end, with nobody free.
      if (racers.length === 0 && startsAt === lastStart) {
        racers = freePlayers(players, activity, wanted, Number.POSITIVE_INFINITY, random);
      }
      if (racers.length === 0) continue;
      const wordCount = WORD_COUNTS[pick(WORD_WEIGHTS, random)]![0];
      const words = pickWords(wordCount, random);
      const text = words.join(" ");
      const gameId = uuid(random);

      const outcomes = racers.map((player) => raceOf(player, text, random, gaussian));
      const finishers = outcomes.filter((one) => one.finished).sort((a, b) => a.typingMs - b.typingMs);
      // The race ends when the last finisher does, or at the time limit if someone is still typing.
      const endsAfter = Math.max(0, ...finishers.map((one) => one.typingMs));
      const inRace = (one: Outcome) =>
        one.finished ? one.typingMs : Math.min(TIME_LIMIT_MS, Math.max(one.typingMs, endsAfter));
      for (const one of outcomes) one.player.busyUntil = startsAt + inRace(one) + COUNTDOWN_MS;
      const endedAt = startsAt + Math.max(...outcomes.map(inRace));
      left -= outcomes.length;
      yield {
        gameId,
        words,
        text,
        wordCount,
        startsAt,
        playerCount: racers.length,
        gameRow: `${gameId}\t{${words.join(",")}}\t${wordCount}\t${racers.length}\tfinished\t${iso(startsAt)}\t${iso(endedAt)}\t${iso(startsAt - COUNTDOWN_MS)}\n`,
        results: outcomes.map((one) => {
          const rank = one.finished ? finishers.indexOf(one) + 1 : null;
          // A player's races never overlap, so their order here is the order they finished in.
          const key = `${one.player.id}/${wordCount}`;
          const finishedAt = rank === null ? null : startsAt + one.typingMs;
          const isPersonalBest = isNewPersonalBest(
            {
              rank,
              finishedAt: finishedAt === null ? null : new Date(finishedAt),
              flagged: one.flagged,
              wpm: one.wpm,
            },
            fastest.get(key),
          );
          if (isPersonalBest) fastest.set(key, { wpm: one.wpm });
          return { outcome: one, rank, finishedAt, isPersonalBest };
        }),
      };
    }
  }

  return { players, races };
}

/** Up to `wanted` distinct players, by activity, among those not racing at `at`. */
function freePlayers(
  players: Player[],
  activity: number[],
  wanted: number,
  at: number,
  random: () => number,
) {
  const chosen = new Set<Player>();
  for (let draws = 0; chosen.size < wanted && draws < wanted * 20; draws++) {
    const player = players[weightedIndex(activity, random)]!;
    if (player.busyUntil <= at) chosen.add(player);
  }
  return [...chosen];
}

interface Outcome {
  player: Player;
  finished: boolean;
  /** a finisher's wpm: their text over their time, as the race computes it */
  wpm: number;
  /** ms from the start to the player's last key: their finishing key, or where they stopped */
  typingMs: number;
  /** the share of the characters typed wrong first, each then fixed with Backspace */
  mistakes: number;
  flagged: boolean;
  /** share of the text typed */
  typed: number;
}

function raceOf(player: Player, text: string, random: () => number, gaussian: () => number): Outcome {
  const flagged = random() < (player.cheater ? 0.6 : 0.005);
  const speed = flagged ? 180 + random() * 120 : clamp(player.skill + 10 * gaussian(), 8, 220);
  const acc = clamp(player.accuracy + 2 * gaussian(), 50, 100);
  // wpm counts the text's characters: 5 to a word.
  const fullMs = Math.max(1, Math.round((text.length / 5 / speed) * 60_000));
  const givesUp = random() < GIVE_UP_SHARE;
  const finished = !givesUp && fullMs <= TIME_LIMIT_MS;
  // A player typing at the time limit has their last key in just before it.
  const typingMs = finished
    ? fullMs
    : givesUp
      ? Math.max(1, Math.round(fullMs * (0.2 + 0.6 * random())))
      : TIME_LIMIT_MS - 1;
  return {
    player,
    finished,
    wpm: finished ? wordsPerMinute(text.length, typingMs) : 0,
    typingMs,
    mistakes: (100 - acc) / 100,
    flagged,
    typed: finished ? 1 : Math.min(1, typingMs / fullMs),
  };
}

/** A result as typed: its figures from its log played through the typing engine, and the log in hex. */
interface TypedResult {
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  durationMs: number;
  log: string;
}

/** Room for the longest log: 100 words of up to 20 letters, each mistyped, 5-byte times. */
const logBuffer = Buffer.alloc(100 * 21 * 3 * 6);

/**
 * Types the race's text (its first `typed` share) as the player would: each character after a
 * pause of about the player's pace, some first mistyped and fixed with Backspace; the last key lands
 * exactly at `typingMs`. Written in the keystroke log format (src/game/keystrokeLog.ts) as the
 * keys go through the typing engine, which gives the result's figures.
 */
function typeTheRace(race: SimulatedRace, outcome: Outcome, random: () => number): TypedResult {
  const { text, words } = race;
  const count = Math.max(1, Math.floor(text.length * outcome.typed));
  const keys: Key[] = [];
  const pauses: number[] = [];
  for (let i = 0; i < count; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && random() < outcome.mistakes) {
      keys.push(String.fromCharCode(code === 0x7a ? 0x61 : code + 1), BACKSPACE);
      pauses.push(0.5, 0.5);
    }
    keys.push(text[i]!);
    pauses.push(0.6 + 0.8 * random());
  }
  const scale = outcome.typingMs / pauses.reduce((sum, pause) => sum + pause, 0);

  const typist = newTypist();
  const bytes = logBuffer;
  let length = 0;
  let elapsed = 0;
  let previous = 0;
  let first = 0;
  for (const [i, key] of keys.entries()) {
    elapsed += pauses[i]!;
    const at = i === keys.length - 1 ? outcome.typingMs : Math.round(elapsed * scale);
    if (i === 0) first = at;
    let delta = at - previous;
    previous = at;
    while (delta >= 0x80) {
      bytes[length++] = (delta & 0x7f) | 0x80;
      delta >>>= 7;
    }
    bytes[length++] = delta;
    bytes[length++] = key === BACKSPACE ? 0x08 : key.charCodeAt(0);
    applyKey(words, typist, key);
  }
  const durationMs = scoredTimeMs(typist.finished, first, outcome.typingMs);
  return {
    ...computeStats(words, typist, durationMs),
    durationMs,
    log: bytes.toString("hex", 0, length),
  };
}

/** COPY … FROM STDIN of text-format rows (each ending in a newline), as they are made. */
async function copyRows(client: pg.Client, target: string, rows: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  done.catch(() => {}); // awaited below; a failure also ends the waits in the loop
  let chunk = "";
  for (const row of rows) {
    chunk += row;
    if (chunk.length < COPY_CHUNK) continue;
    stream.write(chunk);
    chunk = "";
    // Up to COPY_AHEAD bytes in flight; yielding now and then lets the socket carry them to
    // PostgreSQL while the next rows are made.
    const ready = new Promise((resolve) =>
      stream.writableLength > COPY_AHEAD ? stream.once("drain", resolve) : setImmediate(resolve),
    );
    await Promise.race([ready, done]);
  }
  stream.end(chunk);
  await done;
}

/** Drops the indexes of these tables that back no constraint; answers their definitions. */
async function dropSecondaryIndexes(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename = ANY($1)
       AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
    [tables],
  );
  for (const { name } of rows) await client.query(`DROP INDEX ${pg.escapeIdentifier(name)}`);
  return rows.map((row) => row.definition);
}

function* map<T, U>(items: Iterable<T>, change: (item: T) => U): Generator<U> {
  for (const item of items) yield change(item);
}

// ---------------------------------------------------------------------------------------------
// Randomness, reproducible from the seed (src/game/seededRandom.ts)
// ---------------------------------------------------------------------------------------------

/** Standard normal numbers (Box–Muller). */
function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A version 4 uuid from the seeded numbers. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(random() * 4)]!;
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function pick(weights: number[], random: () => number): number {
  let rest = random() * weights.reduce((sum, weight) => sum + weight, 0);
  for (const [i, weight] of weights.entries()) {
    rest -= weight;
    if (rest < 0) return i;
  }
  return weights.length - 1;
}

function cumulative(weights: number[]): number[] {
  let sum = 0;
  return weights.map((weight) => (sum += weight));
}

/** An index drawn in proportion to the weights whose running sums are `sums`. */
function weightedIndex(sums: number[], random: () => number): number {
  const target = random() * sums[sums.length - 1]!;
  let low = 0;
  let high = sums.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sums[middle]! <= target) low = middle + 1;
    else high = middle;
  }
  return low;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const iso = (epochMs: number) => new Date(epochMs).toISOString();

// ---------------------------------------------------------------------------------------------
// npm run db:seed
// ---------------------------------------------------------------------------------------------

if (import.meta.main) {
  const count = (name: string, value: string | undefined, fallback: number, min: number) => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min) {
      console.error(`--${name}: expected a whole number ≥ ${min} (got ${value})`);
      process.exit(2);
    }
    return parsed;
  };
  let args: Record<string, string | undefined>;
  let settings: Settings;
  try {
    args = parseArgs({
      options: {
        users: { type: "string" },
        results: { type: "string" },
        days: { type: "string" },
        seed: { type: "string" },
      },
    }).values;
    settings = parseSettings();
  } catch (error) {
    if (error instanceof ConfigError) console.error(`Invalid configuration: ${error.message}`);
    else
      console.error(
        `${(error as Error).message}\nusage: npm run db:seed -- --users 10000 --results 1000000 [--days 180] [--seed 42]`,
      );
    process.exit(2);
  }
  const options: SeedOptions = {
    users: count("users", args.users, 10_000, 1),
    results: count("results", args.results, 1_000_000, 0),
    days: count("days", args.days, 180, 1),
    // A new seed each run unless one is given: ids come from it, so a second run adds new players.
    seed: count("seed", args.seed, Math.floor(Math.random() * 2 ** 31), 0),
    now: new Date(),
  };
  const log = createLogger(settings.logLevel === "info" ? "warn" : settings.logLevel);
  console.error(`seed: --seed ${options.seed}`);
  const server = await provideDatabaseServer(settings, log);
  let code = 1;
  try {
    const summary = await seedDatabase(server.url, options, (line) => console.error(line));
    console.log(`seeded ${summary.users} users, ${summary.games} races, ${summary.results} results`);
    code = 0;
  } catch (error) {
    console.error(`seed failed: ${(error as Error).message}`);
  } finally {
    await server.stop();
  }
  process.exit(code);
}
