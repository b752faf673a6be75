/**
 * The race. Created only by a lobby (never by clients), joined only by its roster. The server keeps
 * every player's typing state and applies the rules of src/game/ to each `key` message; clients
 * send nothing but keys. Results are written the moment each player finishes, DNF rows when the
 * race ends.
 */
import { type AuthContext, type Client, Room, ServerError } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import type { RaceResult } from "../db/races.ts";
import { assessFairPlay } from "../game/fairPlay.ts";
import { createFloodGuard, type FloodGuard } from "../game/floodGuard.ts";
import { parseKey } from "../game/keys.ts";
import { KeystrokeLog } from "../game/keystrokeLog.ts";
import { computeStats } from "../game/stats.ts";
import { applyKey, newTypist, type Typist } from "../game/typingEngine.ts";
import type { Logger } from "../log.ts";
import {
  ClientMessage,
  type FinishedMessage,
  type RacePlayerState,
  type RaceStatus,
  RoomCloseCode,
  RoomErrorCode,
  ServerMessage,
} from "../protocol.ts";
import { rejectMessage } from "./roomErrors.ts";
import { RacePlayer, RaceState } from "./schema/RaceState.ts";
import { authenticateConnection, mayReconnect, type RoomServices } from "./services.ts";

/** How long a finished race stays open for its players to read the results. */
export const RACE_LINGER_MS = 60_000;
/** The same while the process shuts down: just long enough to deliver the last messages. */
const SHUTDOWN_LINGER_MS = 1_000;
/** A flooding client hears RATE_LIMITED at most this often, not once per dropped key. */
const RATE_LIMITED_NOTICE_MS = 250;
/** Beyond the flood guard: Colyseus closes a client sending more than this many messages a second. */
const MAX_MESSAGES_PER_SECOND = 200;

/** What a lobby passes to matchMaker.createRoom("race", …). */
const raceCreateOptions = z.object({
  gameId: z.uuid(),
  words: z.array(z.string().min(1)).min(1),
  startsAt: z.number().int().positive(),
  roster: z.array(z.object({ id: z.uuid(), name: z.string() })).min(1),
});
export type RaceCreateOptions = z.infer<typeof raceCreateOptions>;

/** What the race tells the HTTP API about itself (GET /api/v1/games/:gameId). */
export interface RaceDescription {
  gameId: string;
  status: RaceStatus;
  words: string[];
  startsAt: number;
  endsAt: number;
  players: Array<Pick<RacePlayerState, "id" | "name" | "wordIndex" | "charIndex" | "finished" | "rank">>;
}

/** One roster member: the synced view (`player`) and the server-only state behind it. */
interface Racer {
  id: string;
  player: RacePlayer;
  typist: Typist;
  keystrokes: KeystrokeLog;
  flood: FloodGuard;
  /** the session that currently plays for this user */
  sessionId: string | undefined;
  /** left deliberately, or never came back: did not finish */
  left: boolean;
  rateLimitedNoticeAt: number;
}

/** `userData` is the client's racer, so a key finds its racer without a lookup. */
type RaceClient = Client<{ auth: TokenUser; userData: Racer }>;

export class TypingRoom extends Room<{ state: RaceState; client: RaceClient }> {
  /** Bound per server process in app.config.ts. */
  declare services: RoomServices;

  override state = new RaceState();
  #words: string[] = [];
  #racers = new Map<string, Racer>();
  #finishedCount = 0;
  #shuttingDown = false;
  #log!: Logger;

  override onCreate(options: unknown) {
    const race = raceCreateOptions.parse(options);
    const { timings, metrics } = this.services;
    metrics.roomOpened("race");
    metrics.raceStarted();
    this.roomId = race.gameId;
    this.autoDispose = false;
    this.maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
    // Room for a reloaded page's new connection while the old one is still being dropped.
    this.maxClients = race.roster.length * 2;
    this.#log = this.services.log.child({ component: "race", gameId: race.gameId });

    this.#words = race.words;
    this.state.gameId = race.gameId;
    this.state.words.push(...race.words);
    this.state.startsAt = race.startsAt;
    this.state.endsAt = race.startsAt + timings.raceTimeLimitMs;
    for (const { id, name } of race.roster) {
      const player = new RacePlayer({ id, name });
      this.state.players.set(id, player);
      this.#racers.set(id, {
        id,
        player,
        typist: newTypist(),
        keystrokes: new KeystrokeLog(),
        flood: createFloodGuard(),
        sessionId: undefined,
        left: false,
        rateLimitedNoticeAt: 0,
      });
    }

    const untilStart = Math.max(0, race.startsAt - Date.now());
    this.clock.setTimeout(() => this.#openTyping(), untilStart);
    this.clock.setTimeout(() => this.#markNoShows(), untilStart + timings.reconnectGraceS * 1000);
    this.clock.setTimeout(() => this.#endRace(), Math.max(0, this.state.endsAt - Date.now()));

    this.onMessage(ClientMessage.KEY, (client: RaceClient, payload: unknown) => this.#onKey(client, payload));
    this.onMessage("*", (client: RaceClient, type: string | number) =>
      rejectMessage(
        this.services.metrics,
        client,
        RoomErrorCode.UNKNOWN_MESSAGE,
        `unknown message type ${JSON.stringify(type)}`,
      ),
    );
    this.#log.info({ players: race.roster.length, startsAt: race.startsAt }, "race created");
  }

  override async onAuth(_client: Client, _options: unknown, context: AuthContext) {
    const user = await authenticateConnection(this.services.tokens, context);
    if (!this.#racers.has(user.id)) {
      throw new ServerError(RoomCloseCode.NOT_IN_ROSTER, "NOT_IN_ROSTER: you are not in this race");
    }
    return user;
  }

  override onJoin(client: RaceClient) {
    const racer = this.#racers.get(client.auth!.id)!;
    const previous = racer.sessionId;
    if (previous) this.clients.get(previous)?.leave(RoomCloseCode.REPLACED, "replaced by a newer connection");
    racer.sessionId = client.sessionId;
    client.userData = racer;
    racer.player.connected = true;
    this.#log.info({ userId: racer.id, rejoined: previous !== undefined }, "player joined the race");
  }

  /** The racer `client` plays for, unless a newer connection of the same player replaced it. */
  #racerOf(client: RaceClient): Racer | undefined {
    const racer = client.userData;
    return racer?.sessionId === client.sessionId ? racer : undefined;
  }

  #onKey(client: RaceClient, payload: unknown) {
    const racer = this.#racerOf(client);
    if (!racer) return;
    const now = Date.now();
    const verdict = racer.flood.take(now);
    if (verdict !== "ok") {
      if (verdict === "disconnect") {
        this.#log.warn({ userId: racer.id }, "disconnecting a flooding client");
        client.leave(RoomCloseCode.FLOODING, "too many messages");
      } else if (now - racer.rateLimitedNoticeAt >= RATE_LIMITED_NOTICE_MS) {
        racer.rateLimitedNoticeAt = now;
        rejectMessage(
          this.services.metrics,
          client,
          RoomErrorCode.RATE_LIMITED,
          "slow down: too many keys per second",
        );
      }
      return;
    }
    const key = parseKey(
      typeof payload === "object" && payload !== null ? (payload as { key?: unknown }).key : undefined,
    );
    if (key === null) {
      rejectMessage(
        this.services.metrics,
        client,
        RoomErrorCode.INVALID_KEY,
        'expected { key } with one printable character, " " or "Backspace"',
      );
      return;
    }
    if (now < this.state.startsAt) {
      rejectMessage(this.services.metrics, client, RoomErrorCode.NOT_STARTED, "the race has not started yet");
      return;
    }
    if (this.state.status === "finished" || now >= this.state.endsAt) {
      rejectMessage(this.services.metrics, client, RoomErrorCode.RACE_OVER, "the race is over");
      return;
    }
    if (racer.typist.finished || racer.left) {
      rejectMessage(
        this.services.metrics,
        client,
        RoomErrorCode.ALREADY_FINISHED,
        "you have already finished this race",
      );
      return;
    }
    if (this.state.status === "countdown") this.#openTyping();

    const outcome = applyKey(this.#words, racer.typist, key);
    if (outcome === "ignored") return;
    this.services.metrics.keystroke();
    racer.keystrokes.record(key, now - this.state.startsAt);
    racer.player.wordIndex = racer.typist.wordIndex;
    racer.player.charIndex = racer.typist.input.length;
    if (outcome === "finished") this.#finish(racer, now);
  }

  override async onDrop(client: RaceClient, code?: number) {
    const racer = this.#racerOf(client);
    if (!racer) return;
    racer.player.connected = false;
    this.#log.info({ userId: racer.id, code }, "player dropped");
    if (this.state.status === "finished" || !mayReconnect(code)) return;
    // The player keeps their place, input and stats so far while the connection may come back.
    await this.allowReconnection(client, this.services.timings.reconnectGraceS).catch(() => {});
  }

  override onReconnect(client: RaceClient) {
    const racer = this.#racerOf(client);
    if (!racer) return;
    racer.player.connected = true;
    this.#log.info({ userId: racer.id }, "player reconnected");
  }

  override onLeave(client: RaceClient) {
    const racer = this.#racerOf(client);
    if (racer) {
      racer.sessionId = undefined;
      racer.player.connected = false;
      // Leaving a race that is still on is giving up: did not finish, at once.
      if (this.state.status !== "finished" && !racer.typist.finished) {
        racer.left = true;
        this.#log.info({ userId: racer.id }, "player left the race");
        this.#endIfEveryoneIsDone();
      }
    }
    if (this.state.status === "finished" && this.clients.length === 0) this.disconnect();
  }

  describe(): RaceDescription {
    return {
      gameId: this.state.gameId,
      status: this.state.status as RaceStatus,
      words: this.#words,
      startsAt: this.state.startsAt,
      endsAt: this.state.endsAt,
      players: [...this.state.players.values()].map(({ id, name, wordIndex, charIndex, finished, rank }) => ({
        id,
        name,
        wordIndex,
        charIndex,
        finished,
        rank,
      })),
    };
  }

  #openTyping() {
    if (this.state.status !== "countdown") return;
    this.state.status = "racing";
    this.#log.info("typing open");
  }

  /** Roster members who never connected by the end of the grace period did not show up. */
  #markNoShows() {
    for (const racer of this.#racers.values()) {
      if (racer.sessionId === undefined && !racer.typist.finished) racer.left = true;
    }
    this.#endIfEveryoneIsDone();
  }

  #finish(racer: Racer, now: number) {
    const rank = ++this.#finishedCount;
    const durationMs = now - this.state.startsAt;
    const stats = computeStats(this.#words, racer.typist, durationMs);
    racer.player.finished = true;
    racer.player.rank = rank;
    racer.player.wpm = stats.wpm;
    racer.player.acc = stats.acc;
    this.#log.info({ userId: racer.id, rank, wpm: stats.wpm, acc: stats.acc }, "player finished");
    const result = this.#result(racer, { rank, ...stats, finishedAt: new Date(now), durationMs });
    this.services.races.recordResult(result).then(
      ({ isPersonalBest }) => this.#tellFinished(racer, result, isPersonalBest),
      (error) => {
        this.#log.error({ err: error, userId: racer.id }, "could not record the result");
        this.#tellFinished(racer, result, false);
      },
    );
    this.#endIfEveryoneIsDone();
  }

  #tellFinished(racer: Racer, result: RaceResult, isPersonalBest: boolean) {
    if (!racer.sessionId) return;
    const message: FinishedMessage = {
      gameId: result.gameId,
      rank: result.rank!,
      wpm: result.wpm,
      wpmRaw: result.wpmRaw,
      acc: result.acc,
      accRaw: result.accRaw,
      durationMs: result.durationMs,
      isPersonalBest,
    };
    this.clients.get(racer.sessionId)?.send(ServerMessage.FINISHED, message);
  }

  #result(
    racer: Racer,
    outcome: Pick<RaceResult, "rank" | "wpm" | "wpmRaw" | "acc" | "accRaw" | "finishedAt" | "durationMs">,
  ): RaceResult {
    return {
      gameId: this.state.gameId,
      userId: racer.id,
      ...outcome,
      wordCount: this.#words.length,
      flagged: assessFairPlay(racer.keystrokes.times(), outcome.wpm).flagged,
      keystrokes: racer.keystrokes.encode(),
    };
  }

  #endIfEveryoneIsDone() {
    if (this.state.status === "finished") return;
    for (const racer of this.#racers.values()) if (!racer.typist.finished && !racer.left) return;
    this.#endRace();
  }

  /** Everyone finished or left, or the time limit: the rest did not finish. */
  #endRace() {
    if (this.state.status === "finished") return;
    const now = Date.now();
    this.state.status = "finished";
    this.services.metrics.raceFinished();
    const durationMs = Math.max(0, Math.min(now, this.state.endsAt) - this.state.startsAt);
    const { races } = this.services;
    const writes: Array<Promise<unknown>> = [];
    for (const racer of this.#racers.values()) {
      if (racer.typist.finished) continue;
      const stats = computeStats(this.#words, racer.typist, durationMs);
      writes.push(
        races.recordResult(this.#result(racer, { rank: null, ...stats, finishedAt: null, durationMs })),
      );
    }
    Promise.all(writes)
      .then(() => races.endGame(this.state.gameId, new Date(now)))
      .catch((error) => this.#log.error({ err: error }, "could not record the end of the race"));
    this.#log.info({ finished: this.#finishedCount, players: this.#racers.size }, "race over");
    if (this.clients.length === 0) this.disconnect();
    else
      this.clock.setTimeout(
        () => this.disconnect(),
        this.#shuttingDown ? SHUTDOWN_LINGER_MS : RACE_LINGER_MS,
      );
  }

  /** This process is shutting down: the race runs to its end (its players are mid-race), then closes. */
  override onBeforeShutdown() {
    this.#shuttingDown = true;
    this.#log.info({ status: this.state.status }, "shutdown: the race runs to its end");
    if (this.state.status === "finished") this.clock.setTimeout(() => this.disconnect(), SHUTDOWN_LINGER_MS);
  }

  override onUncaughtException(error: Error, methodName: string) {
    this.#log.error({ err: error, methodName }, "uncaught error in the race room");
  }

  override onDispose() {
    this.services.metrics.roomClosed("race");
    this.#log.info("race room disposed");
  }
}
