/**
 * The race store the rooms use: writes go straight to PostgreSQL, and when PostgreSQL cannot take
 * them they go to the durable outbox (src/db/outbox.ts) and are written, in order, once it is back.
 * Races never wait for the database and never lose a result to an outage.
 *
 * Every write is idempotent (src/db/races.ts), so an entry replayed after a crash between "written"
 * and "removed from the outbox" changes nothing: each result lands exactly once.
 *
 * While the outbox holds anything, new writes queue behind it, so a result is never written before
 * the game it belongs to. A write that keeps failing while PostgreSQL is reachable (a bug, not an
 * outage) is set aside after MAX_ATTEMPTS and logged, so it cannot block the queue forever.
 */

import type { RaceResult } from "../game/race/result.ts";
import type { Logger } from "../log.ts";
import type { Outbox, OutboxEntry } from "./outbox.ts";
import type { NewGame, RaceStore } from "./races.ts";

type RaceWrite =
  | { kind: "createGame"; game: NewGame }
  | { kind: "recordResult"; result: RaceResult }
  | { kind: "endGame"; gameId: string; endedAt: Date };

export interface DurableRaceStore extends RaceStore {
  /** Writes waiting in the outbox (0 when PostgreSQL has everything). */
  pending(): Promise<number>;
  /** Waits for the writes under way, then tries once to write what the outbox holds. */
  flush(): Promise<void>;
  stop(): void;
}

export interface DurableRaceStoreOptions {
  store: RaceStore;
  outbox: Outbox;
  /** Resolves when PostgreSQL answers; tells an outage from a write that fails on its own. */
  databaseIsUp: () => Promise<boolean>;
  log: Logger;
  retryEveryMs?: number;
  /** Called for every write PostgreSQL did not take. */
  onDatabaseError?: () => void;
}

const MAX_ATTEMPTS = 5;
const DRAIN_BATCH = 100;

export function durableRaceStore(options: DurableRaceStoreOptions): DurableRaceStore {
  const { store, outbox, databaseIsUp, log } = options;
  const inFlight = new Set<Promise<unknown>>();
  const attempts = new Map<string, number>();
  let queued = 0;
  let draining: Promise<void> | undefined;

  async function write<T>(entry: RaceWrite, direct: () => Promise<T>, whenQueued: T): Promise<T> {
    if (queued === 0) {
      try {
        return await direct();
      } catch (error) {
        options.onDatabaseError?.();
        log.warn({ err: error, write: entry.kind }, "race write failed: queued in the outbox");
      }
    }
    await outbox.append(encodeWrite(entry));
    queued++;
    return whenQueued;
  }

  function tracked<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  }

  async function apply(entry: RaceWrite): Promise<void> {
    if (entry.kind === "createGame") await store.createGame(entry.game);
    else if (entry.kind === "recordResult") await store.recordResult(entry.result);
    else await store.endGame(entry.gameId, entry.endedAt);
  }

  /** Writes the outbox's entries in order until it is empty or PostgreSQL fails. */
  async function drainOnce(): Promise<void> {
    for (;;) {
      const batch = await outbox.peek(DRAIN_BATCH);
      queued = batch.length === 0 ? 0 : await outbox.size();
      if (batch.length === 0) return;
      const done: OutboxEntry[] = [];
      try {
        for (const entry of batch) {
          if (await applyEntry(entry)) done.push(entry);
          else break;
        }
      } finally {
        await outbox.remove(done);
      }
      if (done.length < batch.length) return;
      log.info({ written: done.length }, "outbox writes reached PostgreSQL");
    }
  }

  /** true: written (or set aside for good); false: stop draining for now. */
  async function applyEntry(entry: OutboxEntry): Promise<boolean> {
    try {
      await apply(decodeWrite(entry.payload));
      attempts.delete(entry.id);
      return true;
    } catch (error) {
      if (!(await databaseIsUp())) return false;
      const tries = (attempts.get(entry.id) ?? 0) + 1;
      attempts.set(entry.id, tries);
      if (tries < MAX_ATTEMPTS) return false;
      attempts.delete(entry.id);
      log.error(
        { err: error, entry: entry.payload },
        "a race write keeps failing with PostgreSQL up: set aside",
      );
      return true;
    }
  }

  function drain(): Promise<void> {
    draining ??= drainOnce()
      .catch((error) => log.warn({ err: error }, "outbox drain failed; retrying later"))
      .finally(() => {
        draining = undefined;
      });
    return draining;
  }

  // Also picks up what an earlier process (or one that died) left in the outbox.
  const timer = setInterval(() => {
    outbox.size().then(
      (size) => {
        queued = size;
        if (size > 0) drain();
      },
      () => {},
    );
  }, options.retryEveryMs ?? 1_000);
  timer.unref();

  return {
    createGame: (game) =>
      tracked(write({ kind: "createGame", game }, () => store.createGame(game), undefined)),
    recordResult: (result) =>
      tracked(
        write({ kind: "recordResult", result }, () => store.recordResult(result), {
          // Known only once it is written.
          isPersonalBest: false,
        }),
      ),
    endGame: (gameId, endedAt) =>
      tracked(write({ kind: "endGame", gameId, endedAt }, () => store.endGame(gameId, endedAt), undefined)),
    pending: async () => (queued = await outbox.size()),
    async flush() {
      await Promise.allSettled([...inFlight]);
      await drain();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** JSON with dates as ISO strings and the keystroke log as base64. */
function encodeWrite(entry: RaceWrite): string {
  return JSON.stringify(entry, (key, value) => {
    if (key === "keystrokes" && value instanceof Uint8Array) return Buffer.from(value).toString("base64");
    return value;
  });
}

function decodeWrite(payload: string): RaceWrite {
  const entry = JSON.parse(payload) as RaceWrite;
  if (entry.kind === "createGame") entry.game.startsAt = new Date(entry.game.startsAt);
  else if (entry.kind === "endGame") entry.endedAt = new Date(entry.endedAt);
  else {
    const stored = entry.result as unknown as { keystrokes: string; finishedAt: string | null };
    entry.result.keystrokes = Buffer.from(stored.keystrokes, "base64");
    entry.result.finishedAt = stored.finishedAt === null ? null : new Date(stored.finishedAt);
  }
  return entry;
}
