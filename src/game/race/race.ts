/**
 * One race, every rule of it, with time passed in: who is on the roster, when typing opens, what a
 * key does, the finish order, who did not show up, when the race ends, what a player who did not
 * finish scores, and the result records to keep. No sockets, no clock, no storage: the race room
 * (src/rooms/TypingRoom.ts) feeds it connections, keys and the time, mirrors it to its players and
 * hands the results it produces to the store.
 *
 * What happens besides a key's own effect comes out as events, taken with `takeEvents()`: typing
 * opened, a racer finished (with the result to store), the race ended (with the results of those
 * who did not finish).
 *
 * A race may have a ghost: a stored race's keys typed again at their recorded times, whenever the
 * race is ticked or a racer's key comes (so a ghost's key due first counts first, however late the
 * tick). A ghost is a racer like the others — its finish and rank count — but no player: nothing of
 * it is stored, it wins nothing and takes no win from anyone, and it holds the race up only while
 * someone who finished waits to see it finish.
 */

import type { RaceMode, RacePlayerState, RaceStatus } from "../../protocol.ts";
import { assessFairPlay } from "../fairPlay.ts";
import type { Key } from "../keys.ts";
import { KeystrokeLog, type LoggedKey } from "../keystrokeLog.ts";
import { computeStats, type RaceStats } from "../stats.ts";
import { applyKey, newTypist, type Typist } from "../typingEngine.ts";
import { type RaceResult, scoredTimeMs } from "./result.ts";

export interface RaceSettings {
  gameId: string;
  /** public matchmaking or a private room: the rules are the same, the result says where it came from */
  mode: RaceMode;
  words: readonly string[];
  /** epoch ms when typing opens */
  startsAt: number;
  /** from startsAt to the end of the race */
  timeLimitMs: number;
  /** a roster member who has never connected this long after startsAt did not show up */
  noShowAfterMs: number;
}

/** The race as the HTTP API shows it (GET /api/v1/games/:gameId). */
export interface RaceSnapshot {
  gameId: string;
  mode: RaceMode;
  status: RaceStatus;
  words: string[];
  startsAt: number;
  endsAt: number;
  players: Array<Pick<RacerView, "id" | "name" | "wordIndex" | "charIndex" | "finished" | "rank">>;
}

export interface Entrant {
  id: string;
  name: string;
}

/** A stored race to race against: its keys, at their times since its start. */
export interface GhostEntrant extends Entrant {
  keys: readonly LoggedKey[];
}

/** The ghost of `name`'s stored race: an id of its own (players' ids are uuids), "ghost of <name>". */
export function ghostEntrant(userId: string, name: string, keys: readonly LoggedKey[]): GhostEntrant {
  return { id: `ghost:${userId}`, name: `ghost of ${name}`, keys };
}

/** What the race shows of a racer: exactly what the room mirrors into the synced state. */
export type RacerView = Readonly<RacePlayerState>;

/**
 * What a key did: the typing engine's outcome, or why the race refused it (nothing changed):
 * typing has not opened, the race is over, or this racer is done (finished or gave up).
 */
export type KeyVerdict =
  | "typed"
  | "deleted"
  | "advanced"
  | "blocked"
  | "finished"
  | "ignored"
  | "NOT_STARTED"
  | "RACE_OVER"
  | "ALREADY_FINISHED"
  | "NOT_A_RACER";

export type RaceEvent =
  | { type: "opened" }
  | { type: "finished"; userId: string; result: RaceResult }
  | { type: "ended"; dnf: RaceResult[] };

interface Racer extends RacePlayerState {
  typist: Typist;
  keystrokes: KeystrokeLog;
  /** has ever connected (no-shows never did) */
  showedUp: boolean;
  /** gave up, or never showed up: did not finish */
  out: boolean;
}

/**
 * A race's time limit: `limitMs` for races up to the server's default length, longer races longer
 * in proportion (a 100-word race under a 25-word limit would cut off most of its field).
 */
export function timeLimitFor(length: number, limitMs: number, defaultLength: number): number {
  return Math.round(limitMs * Math.max(1, length / defaultLength));
}

export class Race {
  readonly gameId: string;
  readonly mode: RaceMode;
  readonly words: readonly string[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly #noShowAt: number;
  #status: RaceStatus = "countdown";
  readonly #racers = new Map<string, Racer>();
  /** the ghost's racer and keys, and how many of them it has typed */
  readonly #ghost: { racer: Racer; keys: readonly LoggedKey[]; typed: number } | undefined;
  #finishedCount = 0;
  #events: RaceEvent[] = [];

  constructor(settings: RaceSettings, roster: readonly Entrant[], ghost?: GhostEntrant) {
    if (roster.length === 0) throw new RangeError("a race needs at least one racer");
    if (settings.words.length === 0) throw new RangeError("a race needs at least one word");
    this.gameId = settings.gameId;
    this.mode = settings.mode;
    this.words = settings.words;
    this.startsAt = settings.startsAt;
    this.endsAt = settings.startsAt + settings.timeLimitMs;
    this.#noShowAt = settings.startsAt + settings.noShowAfterMs;
    for (const { id, name } of roster) this.#racers.set(id, newRacer(id, name, false));
    if (ghost) {
      // Always there: it needs no connection.
      const racer = { ...newRacer(ghost.id, ghost.name, true), connected: true, showedUp: true };
      this.#racers.set(ghost.id, racer);
      this.#ghost = { racer, keys: ghost.keys, typed: 0 };
    }
  }

  get status(): RaceStatus {
    return this.#status;
  }

  racer(id: string): RacerView | undefined {
    return this.#racers.get(id);
  }

  /** Whether `id` races here as a player: on the roster (not the ghost, for whom nobody connects). */
  onRoster(id: string): boolean {
    return this.#racers.get(id)?.ghost === false;
  }

  racers(): IterableIterator<RacerView> {
    return this.#racers.values();
  }

  get racerCount(): number {
    return this.#racers.size;
  }

  snapshot(): RaceSnapshot {
    return {
      gameId: this.gameId,
      mode: this.mode,
      status: this.#status,
      words: [...this.words],
      startsAt: this.startsAt,
      endsAt: this.endsAt,
      players: [...this.#racers.values()].map(({ id, name, wordIndex, charIndex, finished, rank }) => ({
        id,
        name,
        wordIndex,
        charIndex,
        finished,
        rank,
      })),
    };
  }

  /** The times `tick` has something to decide at: typing opens, no-shows, the time limit. */
  deadlines(): number[] {
    return [this.startsAt, this.#noShowAt, this.endsAt];
  }

  /** When the ghost's next key is due (epoch ms); undefined without one, or once it is done. */
  nextGhostKeyAt(): number | undefined {
    const ghost = this.#ghost;
    if (!ghost || this.#status === "finished" || ghost.racer.finished) return undefined;
    const next = ghost.keys[ghost.typed];
    return next && this.startsAt + next.at < this.endsAt ? this.startsAt + next.at : undefined;
  }

  /** Events since the last call, oldest first. */
  takeEvents(): RaceEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** The racer's connection is in the race (the first time, or back after a drop). */
  connect(id: string): void {
    const racer = this.#racers.get(id);
    if (!racer) return;
    racer.connected = true;
    racer.showedUp = true;
  }

  /**
   * The racer's connection is gone for now: their place, input and statistics are kept. Whether the
   * race waits for them to come back: while it is on (once it is over, there is nothing to return to).
   * The ghost has no connection to lose.
   */
  disconnect(id: string): boolean {
    const racer = this.#racers.get(id);
    if (!racer || racer.ghost) return false;
    racer.connected = false;
    return this.#status !== "finished";
  }

  /** The racer gives up (or never came back): did not finish, at once. */
  leave(id: string): void {
    const racer = this.#racers.get(id);
    if (!racer) return;
    racer.connected = false;
    if (this.#status === "finished" || racer.finished || racer.out) return;
    racer.out = true;
    this.#endIfEveryoneIsDone();
  }

  /**
   * The clock: opens typing at startsAt, types the ghost's keys due by now, marks no-shows, ends the
   * race at the time limit.
   */
  tick(now: number): void {
    if (now >= this.startsAt) this.#open();
    this.#driveGhost(now);
    if (now >= this.#noShowAt && this.#status !== "finished") {
      for (const racer of this.#racers.values()) {
        if (!racer.showedUp && !racer.finished) racer.out = true;
      }
      this.#endIfEveryoneIsDone();
    }
    if (now >= this.endsAt) this.#end();
  }

  /** One key of racer `id`, received at `now`. `key` must come from parseKey. */
  key(id: string, key: Key, now: number): KeyVerdict {
    const racer = this.#racers.get(id);
    if (!racer || racer.ghost) return "NOT_A_RACER";
    if (now < this.startsAt) return "NOT_STARTED";
    if (this.#status === "finished" || now >= this.endsAt) return "RACE_OVER";
    if (racer.finished || racer.out) return "ALREADY_FINISHED";
    // A key can beat the timer that opens typing by a few milliseconds.
    this.#open();
    // The ghost's keys due before this one come first, even if the tick typing them is late.
    this.#driveGhost(now);
    return this.#press(racer, key, now);
  }

  #press(racer: Racer, key: Key, now: number): KeyVerdict {
    const outcome = applyKey(this.words, racer.typist, key);
    if (outcome === "ignored") return outcome;
    racer.keystrokes.record(key, now - this.startsAt);
    racer.wordIndex = racer.typist.wordIndex;
    racer.charIndex = racer.typist.input.length;
    if (outcome === "finished") this.#finish(racer, now);
    return outcome;
  }

  /** The ghost's keys due by `now`, each at its own time, so its finish is its recorded one. */
  #driveGhost(now: number) {
    const ghost = this.#ghost;
    if (!ghost || this.#status !== "racing") return;
    for (let at = this.nextGhostKeyAt(); at !== undefined && at <= now; at = this.nextGhostKeyAt()) {
      this.#press(ghost.racer, ghost.keys[ghost.typed++]!.key, at);
    }
  }

  #open() {
    if (this.#status !== "countdown") return;
    this.#status = "racing";
    this.#events.push({ type: "opened" });
  }

  #finish(racer: Racer, now: number) {
    const rank = ++this.#finishedCount;
    const durationMs = now - this.startsAt;
    const stats = computeStats(this.words, racer.typist, durationMs);
    racer.finished = true;
    racer.rank = rank;
    racer.wpm = stats.wpm;
    racer.acc = stats.acc;
    if (!racer.ghost) {
      const result = this.#result(racer, stats, { rank, finishedAt: new Date(now), durationMs });
      // A win is first place in a race of two or more players (a ghost is none), by a result
      // that counts (not a flagged one).
      result.won = rank === 1 && !result.flagged && this.#players().length >= 2;
      this.#events.push({ type: "finished", userId: racer.id, result });
    }
    this.#endIfEveryoneIsDone();
  }

  /** The racers who are players: everyone but the ghost. */
  #players(): Racer[] {
    return [...this.#racers.values()].filter((racer) => !racer.ghost);
  }

  /**
   * Every player finished or gave up, and the ghost, if any, is done too: or nobody who finished
   * is left to see it finish.
   */
  #endIfEveryoneIsDone() {
    if (this.#status === "finished") return;
    const players = this.#players();
    if (players.some((racer) => !racer.finished && !racer.out)) return;
    const ghost = this.#ghost?.racer;
    if (ghost && !ghost.finished && players.some((racer) => racer.finished)) return;
    this.#end();
  }

  /**
   * Everyone finished or gave up, or the time limit: whoever had not finished did not finish, and is
   * scored over the time they typed (first key to last): not over time they spent away.
   */
  #end() {
    if (this.#status === "finished") return;
    this.#status = "finished";
    const dnf: RaceResult[] = [];
    for (const racer of this.#players()) {
      if (racer.finished) continue;
      const times = racer.keystrokes.times();
      const durationMs = times.length > 0 ? scoredTimeMs(false, times[0]!, times[times.length - 1]!) : 0;
      const stats = computeStats(this.words, racer.typist, durationMs);
      dnf.push(this.#result(racer, stats, { rank: null, finishedAt: null, durationMs }));
    }
    this.#events.push({ type: "ended", dnf });
  }

  #result(
    racer: Racer,
    stats: RaceStats,
    outcome: Pick<RaceResult, "rank" | "finishedAt" | "durationMs">,
  ): RaceResult {
    return {
      gameId: this.gameId,
      userId: racer.id,
      ...outcome,
      ...stats,
      wordCount: this.words.length,
      flagged: assessFairPlay(racer.keystrokes.times(), stats.wpm).flagged,
      won: false,
      keystrokes: racer.keystrokes.encode(),
    };
  }
}

function newRacer(id: string, name: string, ghost: boolean): Racer {
  return {
    id,
    name,
    wordIndex: 0,
    charIndex: 0,
    finished: false,
    rank: 0,
    wpm: 0,
    acc: 0,
    connected: false,
    ghost,
    typist: newTypist(),
    keystrokes: new KeystrokeLog(),
    showedUp: false,
    out: false,
  };
}
