/**
 * What recording race results costs (issue 8's "batched result writes" lever): the race load never
 * finishes a race (bench/loadgen/humanTypist.ts), so this measures the other half of a race's
 * server work on its own. Races of 5 end R at a time, and each of their players' results goes
 * to the database as the race room writes it (4 finished, 1 did not), in two ways each round:
 * through the server's race store (src/db/races.ts `raceStore`), where the results of one moment
 * share a transaction, and each alone (`recordResult`, one transaction per result).
 *
 *   npm run bench:results                 3 rounds of 1,500 results each way, 20 races ending at once
 *   npm run bench:results -- --games 300 --concurrent-races 1 --rounds 3
 *
 * Prints, per round and way, results per second, this process's CPU per result (node-postgres
 * without Prisma's client, as a server spends it: `db.sql`, src/db/database.ts) and
 * PostgreSQL's; the first round warms up. Uses a scratch database of its
 * own (--database-admin-url), dropped at the end.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { createDatabase } from "../src/db/database.ts";
import { applyMigrations } from "../src/db/migrations.ts";
import { createGame, raceStore, recordResult } from "../src/db/races.ts";
import type { RaceResult } from "../src/game/race/result.ts";
import { watchCpu } from "./api/cpu.ts";
import { numberFlag } from "./flags.ts";
import { scratchDatabase } from "./servers.ts";

const { values: flags } = parseArgs({
  options: {
    games: { type: "string", default: "300" },
    "concurrent-races": { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    players: { type: "string", default: "2000" },
    "database-admin-url": { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const games = numberFlag("games", flags.games, 1, true);
const concurrentRaces = numberFlag("concurrent-races", flags["concurrent-races"], 1, true);
const rounds = numberFlag("rounds", flags.rounds, 1, true);
const playerCount = numberFlag("players", flags.players, 1, true);
const PLAYERS_PER_RACE = 5;
const WORDS = Array.from({ length: 25 }, () => "typhoon");

const database = await scratchDatabase(flags["database-admin-url"]!);
const monitor = new pg.Client({ connectionString: database.url });
const db = createDatabase(database.url);
const WAYS: Array<[string, (result: RaceResult) => Promise<unknown>]> = [
  ["race store", raceStore(db).recordResult],
  ["each alone", (result) => recordResult(db, result)],
];
try {
  await applyMigrations(database.url);
  await monitor.connect();
  const { rows: players } = await monitor.query<{ id: string }>(
    `INSERT INTO users (name, guest) SELECT 'racer ' || i, true FROM generate_series(1, $1) AS i RETURNING id`,
    [playerCount],
  );
  let nextPlayer = 0;
  const result = (gameId: string, place: number): RaceResult => {
    const finished = place < PLAYERS_PER_RACE - 1;
    return {
      gameId,
      userId: players[nextPlayer++ % players.length]!.id,
      rank: finished ? place + 1 : null,
      wpm: 40 + Math.random() * 80,
      wpmRaw: 125,
      acc: 96.5,
      accRaw: 94.25,
      finishedAt: finished ? new Date() : null,
      won: place === 0,
      wordCount: WORDS.length,
      durationMs: 30_000,
      flagged: false,
      keystrokes: new Uint8Array(300),
    };
  };

  console.log(
    `result writes: ${games} races of ${PLAYERS_PER_RACE} per round, ${concurrentRaces} ending at once`,
  );
  for (let round = 1; round <= rounds; round++) {
    for (const [way, write] of WAYS) {
      const ids = Array.from({ length: games }, () => randomUUID());
      await Promise.all(
        ids.map((id) =>
          createGame(db, {
            id,
            mode: "public",
            words: WORDS,
            playerCount: PLAYERS_PER_RACE,
            startsAt: new Date(),
          }),
        ),
      );
      const stop = await watchCpu(process.pid, monitor);
      const startedAt = performance.now();
      for (let at = 0; at < ids.length; at += concurrentRaces) {
        await Promise.all(
          ids
            .slice(at, at + concurrentRaces)
            .flatMap((gameId) =>
              Array.from({ length: PLAYERS_PER_RACE }, (_, place) => write(result(gameId, place))),
            ),
        );
      }
      const seconds = (performance.now() - startedAt) / 1000;
      const cpu = await stop();
      const results = ids.length * PLAYERS_PER_RACE;
      const perResult = (cores: number) => ((cores * seconds * 1000) / results).toFixed(3);
      console.log(
        `  round ${round}${round === 1 ? " (warm-up)" : ""}, ${way}: ${Math.round(results / seconds)} results/s, ` +
          `client ${perResult(cpu.server)} ms CPU / result, PostgreSQL ${perResult(cpu.database)} ms CPU / result`,
      );
    }
  }
} finally {
  await db.close();
  await monitor.end();
  await database.drop();
}
