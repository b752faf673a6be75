/**
 * The race store the rooms use. Every write (game created, result, game ended) is first appended
 * to this process's journal on disk (src/db/journal.ts, fsync'd), then written to PostgreSQL, then
 * marked done; what PostgreSQL does not take stays in the journal and is written later, also by
 * the next run of the process. Races never wait for the database, and no write is ever dropped:
 * the one exception is a result whose player no longer exists (their account was deleted), which
 * can never be written and is discarded with a log line.
 *
 * Every write is idempotent (src/db/races.ts), so an entry replayed after a crash between
 * "written" and "marked done" changes nothing: each result lands exactly once.
 *
 * Writes wait only for those they depend on: a game's creation goes before its results and its
 * end, its end after its results (a game marked over has all of them, so its replay is complete
 * and never changes), and one player's results go in the order they were recorded (personal bests
 * are decided in that order). While PostgreSQL is unreachable nothing is tried (it is asked once per
 * `retryEveryMs` whether it is back); a write that fails while it answers is tried again after
 * a delay that doubles each time, up to `maxRetryDelayMs`, and holds up only its dependents.
 */

import type { RaceResult } from "../game/race/result.ts";
import type { Logger } from "../log.ts";
import type { Journal, JournalEntry } from "./journal.ts";
import { type NewGame, PlayerGoneError, type RaceStore, type RatingChanges } from "./races.ts";

type RaceWrite =
  | { kind: "createGame"; game: NewGame }
  | { kind: "recordResult"; result: RaceResult }
  | { kind: "endGame"; gameId: string; endedAt: Date };

export interface DurableRaceStore extends RaceStore {
  /** Writes in the journal that PostgreSQL does not have yet, but those at their first try. */
  waiting(): number;
  /** Waits for the writes under way and tries those that may go now. */
  flush(): Promise<void>;
  /** Stops trying and closes the journal. */
  stop(): Promise<void>;
}

/** What the store reports (src/metrics.ts counts them). */
export interface RaceWriteEvents {
  /** A write PostgreSQL did not take. */
  failed(): void;
  /** A write tried after it had to wait. */
  retried(): void;
  /** A result discarded: its player no longer exists. */
  discarded(): void;
}

export interface DurableRaceStoreOptions {
  store: RaceStore;
  journal: Journal;
  /** Resolves when PostgreSQL answers; tells an outage from a write that fails on its own. */
  databaseIsUp: () => Promise<boolean>;
  log: Logger;
  events?: Partial<RaceWriteEvents>;
  /** How often PostgreSQL is asked whether it is back, during an outage. */
  retryEveryMs?: number;
  /** The first delay before a failed write is tried again; it doubles at each failure… */
  firstRetryDelayMs?: number;
  /** …up to this. */
  maxRetryDelayMs?: number;
}

/** Writes under way at once: a journal replayed after an outage goes in batches of this. */
const MAX_WRITING = 1_000;

interface Waiting {
  entry: JournalEntry;
  write: RaceWrite;
  /** failed tries while PostgreSQL answered */
  failures: number;
  /** it could not go at once (an outage, a write it depends on), or failed: it waits */
  waited: boolean;
  /** not tried again before this time (ms) */
  notBefore: number;
  /** the attempt under way: its answer, or undefined when it failed */
  writing?: Promise<unknown>;
  /**
   * The caller of a write at its first try, while it waits only for writes under way (its game's
   * results, its player's previous result): answered with its attempt, or with nothing as soon as
   * it has to wait longer (a write ahead failed, PostgreSQL is gone).
   */
  answer?: (value: unknown) => void;
}

export function durableRaceStore(options: DurableRaceStoreOptions): DurableRaceStore {
  const { store, journal, log } = options;
  const events = options.events ?? {};
  const retryEveryMs = options.retryEveryMs ?? 1_000;
  const firstRetryDelayMs = options.firstRetryDelayMs ?? 1_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  /** By journal seq, so in the order they were recorded. */
  const unwritten = new Map<number, Waiting>();
  let writing = 0;
  let firstTries = 0;
  let appending: Array<{ write: RaceWrite; answer: (value: unknown) => void }> = [];
  let committing: Promise<void> | undefined;
  let databaseDown = false;
  let probing: Promise<boolean> | undefined;
  /** Some write had to wait: say so once they are all written. */
  let behind = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let pumpScheduled = false;

  for (const entry of journal.left) {
    unwritten.set(entry.seq, {
      entry,
      write: decodeWrite(entry.value),
      failures: 0,
      waited: true,
      notBefore: 0,
    });
  }
  if (unwritten.size > 0) {
    behind = true;
    log.info(
      { writes: unwritten.size, journal: journal.name },
      "race writes left in the journal: writing them",
    );
  }

  /**
   * Appends the write to the journal; answers its first attempt if that could start at once, or
   * right after the writes under way that it follows (a race's last result, then its end).
   */
  function record(write: RaceWrite): Promise<unknown> {
    return new Promise((answer) => {
      appending.push({ write, answer });
      // Writes recorded meanwhile share the next append and its fsync.
      committing ??= commit();
    });
  }

  async function commit(): Promise<void> {
    while (appending.length > 0) {
      const batch = appending;
      appending = [];
      let entries: JournalEntry[];
      try {
        entries = await journal.append(batch.map(({ write }) => encodeWrite(write)));
      } catch (error) {
        log.error({ err: error }, "the journal cannot be written: race writes go to PostgreSQL alone");
        for (const { write, answer } of batch) answer(writeUnjournaled(write));
        continue;
      }
      for (const [i, entry] of entries.entries()) {
        const { write, answer } = batch[i]!;
        unwritten.set(entry.seq, { entry, write, failures: 0, waited: false, notBefore: 0, answer });
      }
      pump();
      if (databaseDown || stopped) releaseHeld();
    }
    committing = undefined;
  }

  async function writeUnjournaled(write: RaceWrite): Promise<unknown> {
    try {
      return await apply(write);
    } catch (error) {
      events.failed?.();
      log.error(
        { err: error, write: encodeWrite(write) },
        "a race write is lost: neither the journal nor PostgreSQL took it",
      );
      return undefined;
    }
  }

  function apply(write: RaceWrite): Promise<unknown> {
    if (write.kind === "createGame") return store.createGame(write.game);
    if (write.kind === "recordResult") return store.recordResult(write.result);
    return store.endGame(write.gameId, write.endedAt);
  }

  /** Starts every write that may go now: each after those it depends on, oldest first. */
  function pump() {
    pumpScheduled = false;
    if (databaseDown || stopped) return;
    const now = Date.now();
    // The writes ahead: all of them, and those neither under way nor about to be (the writes behind
    // them wait longer than the writes under way take).
    const ahead = { games: new Set<string>(), results: new Set<string>(), players: new Set<string>() };
    const idle = { games: new Set<string>(), results: new Set<string>(), players: new Set<string>() };
    let soonest = Number.POSITIVE_INFINITY;
    for (const waiting of unwritten.values()) {
      const { write } = waiting;
      const gameId = gameOf(write);
      const userId = write.kind === "recordResult" ? write.result.userId : undefined;
      const behind = (writes: typeof ahead) =>
        (write.kind !== "createGame" && writes.games.has(gameId)) ||
        (write.kind === "endGame" && writes.results.has(gameId)) ||
        (userId !== undefined && writes.players.has(userId));
      const blocked = behind(ahead);
      if (behind(idle)) release(waiting);
      if (!blocked && !waiting.writing) {
        if (waiting.notBefore > now) soonest = Math.min(soonest, waiting.notBefore);
        else if (writing < MAX_WRITING) attempt(waiting);
      }
      const underWay = waiting.writing !== undefined || waiting.answer !== undefined;
      for (const writes of underWay ? [ahead] : [ahead, idle]) {
        if (write.kind === "createGame") writes.games.add(gameId);
        if (userId !== undefined) {
          writes.results.add(gameId);
          writes.players.add(userId);
        }
      }
    }
    clearTimeout(retryTimer);
    if (soonest < Number.POSITIVE_INFINITY) {
      retryTimer = setTimeout(pump, soonest - now);
      retryTimer.unref();
    }
  }

  function pumpSoon() {
    if (pumpScheduled) return;
    pumpScheduled = true;
    // Writes that end together (one batched transaction) start their dependents in one pass.
    setImmediate(pump);
  }

  function attempt(waiting: Waiting) {
    writing++;
    const isFirst = !waiting.waited;
    if (isFirst) firstTries++;
    else events.retried?.();
    const answer = waiting.answer;
    waiting.answer = undefined;
    waiting.writing = (async () => {
      try {
        const answer = await apply(waiting.write);
        written(waiting);
        return answer;
      } catch (error) {
        waiting.waited = true;
        events.failed?.();
        if (error instanceof PlayerGoneError) {
          log.warn(
            { err: error, write: summary(waiting.write) },
            "a result of a player who no longer exists: discarded",
          );
          events.discarded?.();
          written(waiting);
        } else if (!(await isDatabaseUp())) {
          outage();
        } else {
          releaseHeld();
          const delay = Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** waiting.failures);
          waiting.failures++;
          waiting.notBefore = Date.now() + delay;
          behind = true;
          log.warn(
            { err: error, write: summary(waiting.write), failures: waiting.failures, retryInMs: delay },
            "a race write failed with PostgreSQL up: it waits in the journal",
          );
        }
        return undefined;
      } finally {
        waiting.writing = undefined;
        writing--;
        if (isFirst) firstTries--;
        pumpSoon();
      }
    })();
    answer?.(waiting.writing);
  }

  /** A write whose caller waited for its first attempt will not be written at once after all. */
  function release(waiting: Waiting) {
    if (!waiting.answer) return;
    waiting.answer(undefined);
    waiting.answer = undefined;
    waiting.waited = true;
  }

  /** A write failed, or PostgreSQL is gone: nothing held is written at once any more. */
  function releaseHeld() {
    for (const waiting of unwritten.values()) release(waiting);
  }

  function written(waiting: Waiting) {
    unwritten.delete(waiting.entry.seq);
    journal.done(waiting.entry);
    if (behind && unwritten.size === 0) {
      behind = false;
      log.info("every race write of the journal is in PostgreSQL");
    }
  }

  /** One question at a time, however many writes fail together. */
  function isDatabaseUp(): Promise<boolean> {
    probing ??= options
      .databaseIsUp()
      .catch(() => false)
      .finally(() => {
        probing = undefined;
      });
    return probing;
  }

  function outage() {
    if (databaseDown) return;
    databaseDown = true;
    releaseHeld();
    behind = true;
    log.warn("PostgreSQL unreachable: race writes wait in the journal");
    const probe = async () => {
      if (stopped) return;
      if (!(await isDatabaseUp())) {
        setTimeout(probe, retryEveryMs).unref();
        return;
      }
      databaseDown = false;
      log.info({ writes: unwritten.size }, "PostgreSQL is back: writing what waits in the journal");
      pump();
    };
    setTimeout(probe, retryEveryMs).unref();
  }

  // What an earlier run left.
  pumpSoon();

  return {
    createGame: async (game) => {
      await record({ kind: "createGame", game });
    },
    recordResult: async (result) =>
      ((await record({ kind: "recordResult", result })) as { isPersonalBest: boolean } | undefined) ?? {
        // Known only once it is written.
        isPersonalBest: false,
      },
    endGame: async (gameId, endedAt) =>
      ((await record({ kind: "endGame", gameId, endedAt })) as RatingChanges | undefined) ??
      // Known only once it is written; the rated players then read it with the race's result.
      new Map(),
    waiting: () => unwritten.size - firstTries,
    async flush() {
      for (;;) {
        await committing;
        pump();
        const underWay = [...unwritten.values()].flatMap((waiting) => waiting.writing ?? []);
        if (underWay.length === 0 && !committing) return;
        await Promise.all(underWay);
      }
    },
    async stop() {
      stopped = true;
      releaseHeld();
      clearTimeout(retryTimer);
      await journal.close();
    },
  };
}

function gameOf(write: RaceWrite): string {
  if (write.kind === "createGame") return write.game.id;
  if (write.kind === "recordResult") return write.result.gameId;
  return write.gameId;
}

/** What a log line says of a write: which one, not its keystrokes. */
function summary(write: RaceWrite) {
  if (write.kind === "recordResult") {
    const { gameId, userId, rank } = write.result;
    return { kind: write.kind, gameId, userId, rank };
  }
  return { kind: write.kind, gameId: gameOf(write) };
}

/** A write as the journal keeps it: JSON, with the keystroke log as base64 (dates as ISO strings). */
function encodeWrite(write: RaceWrite): unknown {
  if (write.kind !== "recordResult") return write;
  return {
    ...write,
    result: { ...write.result, keystrokes: Buffer.from(write.result.keystrokes).toString("base64") },
  };
}

function decodeWrite(value: unknown): RaceWrite {
  const write = value as RaceWrite;
  if (write.kind === "createGame")
    return { ...write, game: { ...write.game, startsAt: new Date(write.game.startsAt) } };
  if (write.kind === "endGame") return { ...write, endedAt: new Date(write.endedAt) };
  const stored = write.result as unknown as { keystrokes: string; finishedAt: string | null };
  return {
    ...write,
    result: {
      ...write.result,
      keystrokes: Buffer.from(stored.keystrokes, "base64"),
      finishedAt: stored.finishedAt === null ? null : new Date(stored.finishedAt),
    },
  };
}
