/**
 * What one lobby search costs the matchmaker over Redis, against the number of races listed beside
 * the lobbies: `@colyseus/redis-driver` (an HGETALL of every room) and Typephoon's
 * RoomNameIndexedDriver (the lobbies' own hash), alternating in one run. Client CPU (this process,
 * which plays the server's part) and wall time per search. `npm run bench:search [-- --searches n]`.
 */
import { parseArgs } from "node:util";
import { initializeRoomCache, type MatchMakerDriver } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { Redis } from "ioredis";
import { RoomNameIndexedDriver } from "../src/colyseus/roomNameIndexedDriver.ts";
import { RoomName } from "../src/protocol.ts";

const { values: flags } = parseArgs({
  options: {
    searches: { type: "string", default: "1000" },
    races: { type: "string", default: "0,400,2000" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379/12" },
  },
});
const searches = Number(flags.searches);
const redis = new Redis(flags["redis-url"]!);
const drivers: Record<string, MatchMakerDriver> = {
  "@colyseus/redis-driver": new RedisDriver(redis),
  RoomNameIndexedDriver: new RoomNameIndexedDriver(redis, [RoomName.LOBBY]),
};
const indexed = drivers.RoomNameIndexedDriver!;
const lobbySearch = { name: RoomName.LOBBY, locked: false, private: false };
const listing = (roomId: string, name: string) =>
  initializeRoomCache({
    roomId,
    name,
    processId: "Xy12AbCd3",
    publicAddress: "game.example.com/2567",
    clients: 5,
    maxClients: name === RoomName.LOBBY ? 5 : 10,
    locked: name !== RoomName.LOBBY,
  });

async function measure(driver: MatchMakerDriver) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < searches; i++) {
    if (!(await driver.findOne(lobbySearch))) throw new Error("no lobby found");
  }
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: (used.user + used.system) / 1000 / searches,
    wallMs: (performance.now() - started) / searches,
  };
}

console.log(`${searches} lobby searches per driver and size, 5 open lobbies listed`);
try {
  for (const races of flags.races.split(",").map(Number)) {
    await indexed.clear();
    for (let i = 0; i < 5; i++) await indexed.persist(listing(`lobby-${i}`, RoomName.LOBBY));
    for (let i = 0; i < races; i++) await indexed.persist(listing(crypto.randomUUID(), RoomName.RACE));
    const figures = new Map(
      Object.keys(drivers).map((name) => [name, [] as Array<{ cpuMs: number; wallMs: number }>]),
    );
    // Alternating, three times each, so that a noisy moment hits both.
    for (let round = 0; round < 3; round++) {
      for (const [name, driver] of Object.entries(drivers)) figures.get(name)!.push(await measure(driver));
    }
    for (const [name, runs] of figures) {
      const median = (pick: (run: { cpuMs: number; wallMs: number }) => number) =>
        runs
          .map(pick)
          .sort((a, b) => a - b)[1]!
          .toFixed(3);
      console.log(
        `  ${String(races).padStart(5)} races: ${name.padEnd(24)} ${median((run) => run.cpuMs)} ms CPU, ${median((run) => run.wallMs)} ms wall per search`,
      );
    }
  }
} finally {
  await indexed.clear();
  await redis.quit();
}
