/**
 * One load-generator process. The coordinator forks one or more of these (2 cores: the generator
 * must not be what saturates) and drives them over IPC with the requests of protocol.ts.
 */
import "./useWsPackage.ts";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Client } from "@colyseus/sdk";
import type { SystemName } from "../systems.ts";
import { bareRacer } from "./connectors/bare.ts";
import { naiveRacer } from "./connectors/naive.ts";
import type { Connector, Endpoint, Seat } from "./connectors/seat.ts";
import { spectate } from "./connectors/spectator.ts";
import { sdkClient, signInGuest, typephoonRacer } from "./connectors/typephoon.ts";
import { joinLobbies, leaveRooms, prepareGuests } from "./matchmaking.ts";
import type { AddResult, WindowReport, WorkerReply, WorkerRequest } from "./protocol.ts";
import { Racer, type RacerRegistry, Tally } from "./racer.ts";

const CONNECTORS: Record<SystemName, Connector> = {
  typephoon: typephoonRacer,
  bare: bareRacer,
  naive: naiveRacer,
};

const tally = new Tally();
const registry: RacerRegistry = new Map();
const seated: Array<{ racer: Racer; seat: Seat }> = [];
/** What spectators receive and see, apart from the racers' figures. */
const spectatorTally = new Tally();
/** Signed-in guests, kept for the next time spectators join: they come and go between windows. */
const spectatorClients: Client[] = [];
/** The way out of each race a spectator watches now. */
const watching: Array<() => Promise<void>> = [];
/** A racer not seated by then counts as a failure (a lobby countdown is 5 s in the bench). */
const SEAT_TIMEOUT_MS = 30_000;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let window = { startedAt: performance.now(), cpu: process.cpuUsage() };

/** Runs `task` for 0..count-1, at most `limit` at a time. */
async function inParallel(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(lanes);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not seated within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function add(system: SystemName, endpoints: Endpoint[], count: number, concurrency: number) {
  const started = performance.now();
  const connect = CONNECTORS[system];
  const batch: typeof seated = [];
  const errors: string[] = [];
  await inParallel(count, concurrency, async (i) => {
    const racer = new Racer(registry, tally);
    try {
      const seat = await withTimeout(
        connect(racer, endpoints[i % endpoints.length]!, tally),
        SEAT_TIMEOUT_MS,
      );
      batch.push({ racer, seat });
    } catch (error) {
      errors.push((error as Error).message);
    }
  });
  // Opponents watch each other from before the first key (the naive baseline relays keys with no
  // sequence number, so a view must exist before its opponent's first key).
  const rooms = Map.groupBy(batch, ({ seat }) => seat.roomId);
  for (const members of rooms.values()) {
    for (const { racer } of members) for (const other of members) racer.watch(other.racer);
  }
  for (const { racer, seat } of batch) racer.startTyping(seat.words, seat.send, seat.typingOpensAt + 5);
  seated.push(...batch);
  return {
    seated: batch.length,
    failed: errors.length,
    errors: [...new Set(errors)].slice(0, 5),
    ms: performance.now() - started,
  } satisfies AddResult;
}

/**
 * `perRace` spectators join each race this generator's racers are in (Typephoon only): watching the
 * races whose racers share their process, they measure what they see of every key.
 */
async function addSpectators(endpoints: Endpoint[], perRace: number, concurrency: number) {
  const started = performance.now();
  const gameIds = [...new Set(seated.map(({ seat }) => seat.roomId))];
  const errors: string[] = [];
  let joined = 0;
  await inParallel(gameIds.length * perRace, concurrency, async (i) => {
    const endpoint = endpoints[i % endpoints.length]!;
    try {
      spectatorClients[i] ??= sdkClient(endpoint, await signInGuest(endpoint));
      const watcher = new Racer(registry, spectatorTally);
      const join = spectate(spectatorClients[i], gameIds[i % gameIds.length]!, watcher, spectatorTally);
      watching.push(await withTimeout(join, SEAT_TIMEOUT_MS));
      joined++;
    } catch (error) {
      errors.push((error as Error).message);
    }
  });
  return {
    seated: joined,
    failed: errors.length,
    errors: [...new Set(errors)].slice(0, 5),
    ms: performance.now() - started,
  } satisfies AddResult;
}

async function removeSpectators() {
  const all = watching.splice(0);
  await inParallel(all.length, 50, async (i) => {
    await all[i]!().catch(() => {});
  });
  return { left: all.length };
}

function startWindow() {
  tally.reset();
  spectatorTally.reset();
  loopDelay.reset();
  window = { startedAt: performance.now(), cpu: process.cpuUsage() };
}

function report(): WindowReport {
  const cpu = process.cpuUsage(window.cpu);
  return {
    elapsedMs: performance.now() - window.startedAt,
    keysSent: tally.keysSent,
    messagesReceived: tally.messagesReceived,
    rejections: tally.rejections,
    disconnects: tally.disconnects,
    latencies: tally.latencies.toData(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    racers: seated.filter(({ racer }) => racer.typing).length,
    spectators: watching.length,
    spectatorMessagesReceived: spectatorTally.messagesReceived,
    spectatorLatencies: spectatorTally.latencies.toData(),
    spectatorDisconnects: spectatorTally.disconnects,
  };
}

async function leave() {
  const all = seated.splice(0);
  for (const { racer } of all) racer.stop();
  await inParallel(all.length, 50, async (i) => {
    await all[i]!.seat.leave().catch(() => {});
  });
  const spectators = await removeSpectators();
  return { left: all.length + spectators.left + (await leaveRooms()) };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.cmd) {
    case "add":
      return add(request.system, request.endpoints, request.count, request.concurrency);
    case "window":
      startWindow();
      return null;
    case "report":
      return report();
    case "leave":
      return leave();
    case "spectate":
      return addSpectators(request.endpoints, request.perRace, request.concurrency);
    case "unspectate":
      return removeSpectators();
    case "mm:prepare":
      return prepareGuests(request.system, request.endpoints, request.count);
    case "mm:join":
      return joinLobbies(request);
  }
}

process.on("message", (message: WorkerRequest & { id: number }) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies WorkerReply),
    (error: Error) =>
      process.send!({ id: message.id, ok: false, error: error.stack ?? String(error) } satisfies WorkerReply),
  );
});
process.on("disconnect", () => process.exit(0));
