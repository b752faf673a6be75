/**
 * Prometheus metrics of one process (`GET /metrics`): players connected, rooms, keystrokes, rejected
 * messages, races, result writes, the journal of race writes, errors, and Node's own (event-loop
 * lag, memory, CPU).
 *
 * The per-keystroke counters are plain numbers added to the Prometheus counters only when they are
 * scraped, so a keystroke costs an increment, not a label lookup.
 */
import { createServer, type Server } from "node:http";
import { matchMaker } from "@colyseus/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RaceStore } from "./db/races.ts";
import type { RoomErrorCode } from "./protocol.ts";

/** What the rooms report (src/rooms/ call these; the tests pass a no-op). */
type RoomType = "lobby" | "race" | "private";

export interface GameMetrics {
  roomOpened(type: RoomType): void;
  roomClosed(type: RoomType): void;
  keystroke(): void;
  rejected(code: RoomErrorCode): void;
  raceStarted(): void;
  raceFinished(): void;
}

export interface ServerMetrics extends GameMetrics {
  registry: Registry;
  /** Where the race writes waiting for PostgreSQL are counted when metrics are scraped. */
  watchRaceWrites(waiting: () => number): void;
  resultWrite(seconds: number): void;
  databaseError(): void;
  raceWriteRetried(): void;
  raceWriteDiscarded(): void;
  redisError(): void;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "typephoon_node_" });

  let keystrokes = 0;
  let raceWritesWaiting = () => 0;
  const rejectedByCode = new Map<string, number>();

  new Gauge({
    name: "typephoon_connected_clients",
    help: "Clients connected to rooms of this process",
    registers: [registry],
    collect() {
      this.set(matchMaker.stats.local.ccu);
    },
  });
  const rooms = new Gauge({
    name: "typephoon_rooms",
    help: "Rooms of this process, by type",
    labelNames: ["type"],
    registers: [registry],
  });
  rooms.set({ type: "lobby" }, 0);
  rooms.set({ type: "race" }, 0);
  new Counter({
    name: "typephoon_keystrokes_total",
    help: "Keys applied in races (rate() gives keystrokes per second)",
    registers: [registry],
    collect() {
      this.inc(keystrokes);
      keystrokes = 0;
    },
  });
  new Counter({
    name: "typephoon_rejected_messages_total",
    help: "Room messages rejected, by error code",
    labelNames: ["code"],
    registers: [registry],
    collect() {
      for (const [code, count] of rejectedByCode) this.inc({ code }, count);
      rejectedByCode.clear();
    },
  });
  const racesStarted = new Counter({
    name: "typephoon_races_started_total",
    help: "Races created",
    registers: [registry],
  });
  const racesFinished = new Counter({
    name: "typephoon_races_finished_total",
    help: "Races ended",
    registers: [registry],
  });
  const resultWrites = new Histogram({
    name: "typephoon_result_write_seconds",
    help: "Time to write a race result to PostgreSQL (its attempts, the first and any later)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: "typephoon_race_writes_waiting",
    help: "Race writes in this process's journal waiting for PostgreSQL",
    registers: [registry],
    collect() {
      this.set(raceWritesWaiting());
    },
  });
  const raceWriteRetries = new Counter({
    name: "typephoon_race_write_retries_total",
    help: "Race writes tried again after PostgreSQL did not take them",
    registers: [registry],
  });
  const raceWritesDiscarded = new Counter({
    name: "typephoon_race_writes_discarded_total",
    help: "Results discarded because their player no longer exists",
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: "typephoon_database_errors_total",
    help: "Failed PostgreSQL writes of races",
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: "typephoon_redis_errors_total",
    help: "Redis connection errors",
    registers: [registry],
  });

  return {
    registry,
    watchRaceWrites: (waiting) => {
      raceWritesWaiting = waiting;
    },
    roomOpened: (type) => rooms.inc({ type }),
    roomClosed: (type) => rooms.dec({ type }),
    keystroke: () => {
      keystrokes++;
    },
    rejected: (code) => {
      rejectedByCode.set(code, (rejectedByCode.get(code) ?? 0) + 1);
    },
    raceStarted: () => racesStarted.inc(),
    raceFinished: () => racesFinished.inc(),
    resultWrite: (seconds) => resultWrites.observe(seconds),
    databaseError: () => databaseErrors.inc(),
    raceWriteRetried: () => raceWriteRetries.inc(),
    raceWriteDiscarded: () => raceWritesDiscarded.inc(),
    redisError: () => redisErrors.inc(),
  };
}

/** The race store, with each result write timed. */
export function timedRaceStore(store: RaceStore, metrics: Pick<ServerMetrics, "resultWrite">): RaceStore {
  return {
    ...store,
    async recordResult(result) {
      const started = performance.now();
      try {
        return await store.recordResult(result);
      } finally {
        metrics.resultWrite((performance.now() - started) / 1000);
      }
    },
  };
}

/** /metrics on a port of its own (METRICS_PORT): for an internal network, without a password. */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
