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
 * type the race's text at the result's speed, with mistakes corrected by Backspace.
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
import { isNewPersonalBest } from "../../src/game/personalBest.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { pickWords } from "../../src/game/text.ts";
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
  const fields = [
    race.gameId,
    outcome.player.id,
    one.rank ?? "\\N",
    outcome.wpm,
    outcome.wpmRaw,
    outcome.acc,
    outcome.accRaw,
    one.finishedAt === null ? "\\N" : iso(one.finishedAt),
    race.wordCount,
    outcome.durationMs,
    outcome.flagged ? "t" : "f",
    // As the race decides it (src/game/race/race.ts): first place of two or more, unflagged.
    one.rank === 1 && !outcome.flagged && race.playerCount >= 2 ? "t" : "f",
    `\\\\x${keystrokeLog(race.text, outcome, random)}`,
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
    const gap = span / Math.max(1, options.results / meanPlayers);
    const fastest = new Map<string, { wpm: number }>();
    const lastStart = options.now.getTime() - TIME_LIMIT_MS;
    let startsAt = lastStart + TIME_LIMIT_MS - span;
    let left = options.results;

    while (left > 0) {
      startsAt = Math.min(startsAt + gap * 2 * random(), lastStart);
      const wanted = Math.min(left, 1 + pick(PLAYER_COUNTS, random));
      // Only when the period is too short for so many races do a player's races overlap.
      const at = startsAt === lastStart ? Number.POSITIVE_INFINITY : startsAt;
      const racers = freePlayers(players, activity, wanted, at, random);
      if (racers.length === 0) continue;
      const wordCount = WORD_COUNTS[pick(WORD_WEIGHTS, random)]![0];
      const words = pickWords(wordCount, random);
      const text = words.join(" ");
      const gameId = uuid(random);

      const outcomes = racers.map((player) => raceOf(player, text, random, gaussian));
      const finishers = outcomes.filter((one) => one.finished).sort((a, b) => a.durationMs - b.durationMs);
      // The race ends when the last finisher does, or at the time limit if someone is still typing.
      const endsAfter = Math.max(0, ...finishers.map((one) => one.durationMs));
      for (const one of outcomes) {
        if (!one.finished) one.durationMs = Math.min(TIME_LIMIT_MS, Math.max(one.durationMs, endsAfter));
        one.player.busyUntil = startsAt + one.durationMs + COUNTDOWN_MS;
      }
      const endedAt = startsAt + Math.max(...outcomes.map((one) => one.durationMs));
      left -= outcomes.length;
      yield {
        gameId,
        text,
        wordCount,
        startsAt,
        playerCount: racers.length,
        gameRow: `${gameId}\t{${words.join(",")}}\t${wordCount}\t${racers.length}\tfinished\t${iso(startsAt)}\t${iso(endedAt)}\t${iso(startsAt - COUNTDOWN_MS)}\n`,
        results: outcomes.map((one) => {
          const rank = one.finished ? finishers.indexOf(one) + 1 : null;
          // A player's races never overlap, so their order here is the order they finished in.
          const key = `${one.player.id}/${wordCount}`;
          const finishedAt = rank === null ? null : startsAt + one.durationMs;
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
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  durationMs: number;
  flagged: boolean;
  /** share of the text typed */
  typed: number;
}

function raceOf(player: Player, text: string, random: () => number, gaussian: () => number): Outcome {
  const flagged = random() < (player.cheater ? 0.6 : 0.005);
  const speed = flagged ? 180 + random() * 120 : clamp(player.skill + 10 * gaussian(), 8, 220);
  const acc = clamp(player.accuracy + 2 * gaussian(), 50, 100);
  const accRaw = clamp(acc - Math.abs(2 * gaussian()), 40, acc);
  // wpm counts the text's characters: 5 to a word.
  const fullMs = Math.round((text.length / 5 / speed) * 60_000);
  const givesUp = random() < GIVE_UP_SHARE;
  const finished = !givesUp && fullMs <= TIME_LIMIT_MS;
  const durationMs = finished
    ? fullMs
    : givesUp
      ? Math.round(fullMs * (0.2 + 0.6 * random()))
      : TIME_LIMIT_MS;
  const typed = finished ? 1 : Math.min(1, durationMs / fullMs);
  const wpm = twoDecimals(speed * (finished ? 1 : 0.9));
  return {
    player,
    finished,
    wpm,
    wpmRaw: twoDecimals(wpm * (1 + (100 - accRaw) / 100)),
    acc: twoDecimals(acc),
    accRaw: twoDecimals(accRaw),
    durationMs: Math.max(1, durationMs),
    flagged,
    typed,
  };
}

/** Room for the longest log: 100 words of up to 20 letters, each mistyped, 5-byte times. */
const logBuffer = Buffer.alloc(100 * 21 * 3 * 6);

/** The keystroke log (src/game/keystrokeLog.ts format) of typing the text's first `typed` share, in hex. */
function keystrokeLog(text: string, outcome: Outcome, random: () => number): string {
  const keys = Math.max(1, Math.floor(text.length * outcome.typed));
  const perKey = outcome.durationMs / keys;
  const mistakes = (100 - outcome.accRaw) / 100;
  const bytes = logBuffer;
  let length = 0;
  const entry = (delta: number, code: number) => {
    let rest = Math.round(delta);
    while (rest >= 0x80) {
      bytes[length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    bytes[length++] = rest;
    bytes[length++] = code;
  };
  for (let i = 0; i < keys; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && random() < mistakes) {
      entry(perKey * 0.5, code === 0x7a ? 0x61 : code + 1);
      entry(perKey * 0.5, 0x08);
    }
    entry(perKey * (0.6 + 0.8 * random()), code);
  }
  return bytes.toString("hex", 0, length);
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
const twoDecimals = (value: number) => Math.round(value * 100) / 100;
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
