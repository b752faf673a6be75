/**
 * The race room: transport over the race model (src/game/race/race.ts), which decides everything.
 * Created only by a lobby or a private room, raced only by its roster, watched by spectators. The
 * room authenticates, keeps one connection per player, limits floods, feeds the model keys and the
 * time, mirrors it into the synced state, and hands its results to the store (each result as its
 * player finishes, the others at the end). A private room's race tells that room when it is over.
 * A race against a ghost ticks the model at each of the ghost's keys: the model types them.
 */
import { type Client, type Delayed, matchMaker, Room, ServerError } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import { logRoomFailure } from "../colyseus/logger.ts";
import { decodeKeystrokeLog } from "../game/keystrokeLog.ts";
import { ghostEntrant, Race, type RaceEvent, type RaceSnapshot, timeLimitFor } from "../game/race/race.ts";
import type { RaceResult } from "../game/race/result.ts";
import type { Logger } from "../log.ts";
import {
  ClientMessage,
  type LiveRace,
  type RaceMode,
  type RaceStatus,
  RoomCloseCode,
  RoomErrorCode,
  ServerMessage,
} from "../protocol.ts";
import { type KeyGate, keyOf, newKeyGate } from "./keyGate.ts";
import type { PrivateRoom } from "./PrivateRoom.ts";
import { raceCreateOptions } from "./raceLaunch.ts";
import { storeEnd, storeFinish } from "./raceResults.ts";
import { RaceSpectators, SPECTATOR_REFUSAL, spectatorsFull } from "./raceSpectators.ts";
import { rejectMessage, rejectUnknownMessages } from "./roomErrors.ts";
import { mirrorRace, mirrorRacer, type RacePlayer, RaceState } from "./schema/RaceState.ts";
import { type JoinContext, joiningUser, joinOptions, mayReconnect, type RoomServices } from "./services.ts";
import { OneSessionPerUser } from "./sessions.ts";

/** How long a finished race stays open for its players to read the results. */
const RACE_LINGER_MS = 60_000;
/**
 * The same while the process shuts down: long enough for the players' pages to take the final state
 * and read the stored ranking once more (a second after the end), yet a short wait for the exit.
 */
const SHUTDOWN_LINGER_MS = 10_000;
/** Beyond the flood guard: Colyseus closes a client sending more than this many messages a second. */
const MAX_MESSAGES_PER_SECOND = 200;

/** A race's one join option: to watch it rather than race. */
const raceJoinOptions = z.object({ spectate: z.literal(true).optional() }).strict();

/** What the race lists of itself for GET /api/v1/games/live, without a call to its process. */
export interface RaceListing {
  mode: RaceMode;
  status: RaceStatus;
}

/** The connection of one racer: who it plays for, and its key gate. */
interface Seat extends KeyGate {
  userId: string;
  player: RacePlayer;
}

/** The model's refusals of a key, as the error codes clients know. */
const KEY_REFUSALS = {
  NOT_STARTED: "the race has not started yet",
  RACE_OVER: "the race is over",
  ALREADY_FINISHED: "you have already finished this race",
} as const;

type RaceClient = Client<{ auth: TokenUser; userData: Seat }>;

export class TypingRoom extends Room<{ state: RaceState; client: RaceClient; metadata: RaceListing }> {
  /** Bound per server process in app.config.ts. */
  declare services: RoomServices;

  override state = new RaceState();
  #race!: Race;
  #sessions = new OneSessionPerUser();
  #spectators!: RaceSpectators;
  #partyId: string | undefined;
  /** the ghost's racer id, in a race against one */
  #ghostId: string | undefined;
  /** the tick at the ghost's next key */
  #ghostTick: Delayed | undefined;
  #shuttingDown = false;
  #log!: Logger;

  override onCreate(options: unknown) {
    const created = raceCreateOptions.parse(options);
    const { timings, metrics } = this.services;
    metrics.roomOpened("race");
    metrics.raceStarted();
    this.roomId = created.gameId;
    this.autoDispose = false;
    this.maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
    this.patchRate = timings.racePatchMs;
    // Room for a reloaded page's new connection while the old one is still being dropped.
    this.maxClients = created.roster.length * 2 + timings.raceMaxSpectators;
    this.#log = this.services.log.child({ component: "race", gameId: created.gameId });
    this.#spectators = new RaceSpectators(timings.raceMaxSpectators);

    const { roster, partyId, ghost, ...race } = created;
    this.#partyId = partyId;
    const entrant =
      ghost &&
      ghostEntrant(ghost.userId, ghost.name, decodeKeystrokeLog(Buffer.from(ghost.keystrokes, "base64")));
    this.#ghostId = entrant?.id;
    this.#race = new Race(
      {
        ...race,
        timeLimitMs: timeLimitFor(race.words.length, timings.raceTimeLimitMs, timings.raceWords),
        noShowAfterMs: timings.reconnectGraceS * 1000,
      },
      roster,
      entrant,
    );
    mirrorRace(this.state, this.#race);
    this.#list();
    for (const at of this.#race.deadlines()) {
      this.clock.setTimeout(() => this.#tick(), Math.max(0, at - Date.now()));
    }
    this.#tickAtGhostKey();

    this.onMessage(ClientMessage.KEY, (client: RaceClient, payload: unknown) => this.#onKey(client, payload));
    rejectUnknownMessages(this, this.services.metrics, (client) =>
      this.#spectators.has(client) ? SPECTATOR_REFUSAL : undefined,
    );
    this.#log.info(
      { players: created.roster.length, startsAt: created.startsAt, ghost: ghost?.userId },
      "race created",
    );
  }

  /**
   * Run by Colyseus during the matchmaking request of a `joinById`: a reloaded page, for whom only
   * the race's own players get a seat (the first seats are reserved by the room that started the
   * race), or a spectator, while the race has room for one more.
   */
  static override async onAuth(_token: string, options: unknown, context: JoinContext): Promise<TokenUser> {
    const { spectate } = joinOptions(raceJoinOptions, options);
    const user = joiningUser(context);
    const { roomId } = context;
    if (roomId === undefined) throw notInRoster();
    if (spectate) {
      if (!(await matchMaker.remoteRoomCall<TypingRoom>(roomId, "admitsSpectator"))) throw spectatorsFull();
    } else if (!(await matchMaker.remoteRoomCall<TypingRoom>(roomId, "isRacer", [user.id]))) {
      throw notInRoster();
    }
    return user;
  }

  isRacer(userId: string): boolean {
    return this.#race.racer(userId) !== undefined;
  }

  admitsSpectator(): boolean {
    return this.#spectators.admits();
  }

  override onJoin(client: RaceClient, options?: { spectate?: true }) {
    if (options?.spectate) {
      this.#spectators.add(client);
      this.state.spectators = this.#spectators.count;
      this.#log.info({ userId: client.auth?.id, spectators: this.#spectators.count }, "spectator joined");
      return;
    }
    const userId = client.auth!.id;
    const player = this.state.players.get(userId);
    if (!player) throw notInRoster();
    const rejoined = this.#sessions.take(this, userId, client);
    client.userData = { userId, player, ...newKeyGate() };
    this.#race.connect(userId);
    this.#mirror(userId);
    this.#log.info({ userId, rejoined }, "player joined the race");
  }

  #onKey(client: RaceClient, payload: unknown) {
    if (this.#spectators.has(client)) {
      rejectMessage(this.services.metrics, client, SPECTATOR_REFUSAL.code, SPECTATOR_REFUSAL.message);
      return;
    }
    const seat = this.#seatOf(client);
    if (!seat) return;
    const now = Date.now();
    const key = keyOf(seat, client, payload, now, this.services.metrics);
    if (key === null) return;
    const outcome = this.#race.key(seat.userId, key, now);
    // The ghost's keys due before this one were typed first.
    this.#mirrorGhost();
    if (outcome === "ignored" || outcome === "NOT_A_RACER") return;
    if (outcome === "NOT_STARTED" || outcome === "RACE_OVER" || outcome === "ALREADY_FINISHED") {
      rejectMessage(this.services.metrics, client, RoomErrorCode[outcome], KEY_REFUSALS[outcome]);
      return;
    }
    this.services.metrics.keystroke();
    const racer = this.#race.racer(seat.userId)!;
    seat.player.wordIndex = racer.wordIndex;
    seat.player.charIndex = racer.charIndex;
    if (outcome === "finished") this.#apply(this.#race.takeEvents());
  }

  override onBeforePatch() {
    this.#spectators.beforePatch();
  }

  override async onDrop(client: RaceClient, code?: number) {
    const seat = this.#seatOf(client);
    if (!seat) return;
    this.#race.disconnect(seat.userId);
    this.#mirror(seat.userId);
    this.#log.info({ userId: seat.userId, code }, "player dropped");
    if (this.#race.status === "finished" || !mayReconnect(code)) return;
    // The player keeps their place, input and statistics so far while the connection may come back.
    await this.#sessions
      .awaitReconnection(seat.userId, this.allowReconnection(client, this.services.timings.reconnectGraceS))
      .catch(() => {});
  }

  override onReconnect(client: RaceClient) {
    const seat = this.#seatOf(client);
    if (!seat) return;
    this.#race.connect(seat.userId);
    this.#mirror(seat.userId);
    this.#log.info({ userId: seat.userId }, "player reconnected");
  }

  override onLeave(client: RaceClient) {
    if (this.#spectators.remove(client)) this.state.spectators = this.#spectators.count;
    const seat = this.#seatOf(client);
    if (seat) {
      this.#sessions.release(seat.userId);
      // Leaving a race that is still on is giving up: did not finish, at once.
      this.#race.leave(seat.userId);
      this.#mirror(seat.userId);
      this.#apply(this.#race.takeEvents());
    }
    if (this.#race.status === "finished" && this.clients.length === 0) this.disconnect();
  }

  describe(): RaceSnapshot {
    return this.#race.snapshot();
  }

  /** The race as GET /api/v1/games/live lists it. */
  describeLive(): LiveRace {
    const { gameId, mode, status, words, startsAt, players } = this.#race.snapshot();
    return {
      gameId,
      mode,
      words: words.length,
      status,
      startsAt: new Date(startsAt).toISOString(),
      spectators: this.#spectators.count,
      players,
    };
  }

  /** What matchmaking's listing says of the race: enough to find the live public ones. */
  #list() {
    const listing: RaceListing = { mode: this.#race.mode, status: this.#race.status };
    this.setMetadata(listing).catch((error) => this.#log.warn({ err: error }, "could not list the race"));
  }

  /** The seat `client` plays, unless a newer connection of the same player replaced it. */
  #seatOf(client: RaceClient): Seat | undefined {
    const seat = client.userData;
    return seat && this.#sessions.represents(seat.userId, client) ? seat : undefined;
  }

  #tick() {
    this.#race.tick(Date.now());
    this.#mirrorGhost();
    this.#apply(this.#race.takeEvents());
    this.#tickAtGhostKey();
  }

  /** The next tick at the ghost's next key, if it has one (the one set before may be early: no harm). */
  #tickAtGhostKey() {
    const at = this.#race.nextGhostKeyAt();
    if (at === undefined || this.#ghostTick) return;
    this.#ghostTick = this.clock.setTimeout(
      () => {
        this.#ghostTick = undefined;
        this.#tick();
      },
      Math.max(0, at - Date.now()),
    );
  }

  #mirrorGhost() {
    if (this.#ghostId) this.#mirror(this.#ghostId);
  }

  /** What the model decided, carried out: the synced state, the store, the players' messages. */
  #apply(events: RaceEvent[]) {
    for (const event of events) {
      if (event.type === "opened") {
        this.state.status = "racing";
        this.#list();
        this.#log.info("typing open");
      } else if (event.type === "finished") {
        const racer = this.#race.racer(event.userId)!;
        this.#mirror(event.userId);
        this.#log.info(
          { userId: racer.id, rank: racer.rank, wpm: racer.wpm, acc: racer.acc },
          "player finished",
        );
        storeFinish(this.services, event.result, this.#log, (message) =>
          this.#tell(event.userId, ServerMessage.FINISHED, message),
        );
      } else {
        this.#end(event.dnf);
      }
    }
  }

  #end(dnf: RaceResult[]) {
    this.state.status = "finished";
    this.#list();
    if (this.#partyId) {
      matchMaker
        .remoteRoomCall<PrivateRoom>(this.#partyId, "raceEnded", [this.#race.gameId])
        .catch((error) => this.#log.warn({ err: error }, "could not tell the private room the race ended"));
    }
    this.services.metrics.raceFinished();
    storeEnd(this.services, this.#race.gameId, dnf, this.#log, (userId, message) =>
      this.#tell(userId, ServerMessage.RATING, message),
    );
    this.#log.info(
      { finished: this.#race.racerCount - dnf.length, players: this.#race.racerCount },
      "race over",
    );
    if (this.clients.length === 0) this.disconnect();
    else
      this.clock.setTimeout(
        () => this.disconnect(),
        this.#shuttingDown ? SHUTDOWN_LINGER_MS : RACE_LINGER_MS,
      );
  }

  /** A message to a player, if they are still connected to the race. */
  #tell(userId: string, type: string, message: unknown) {
    const sessionId = this.#sessions.sessionOf(userId);
    if (sessionId) this.clients.get(sessionId)?.send(type, message);
  }

  #mirror(userId: string) {
    const racer = this.#race.racer(userId);
    const player = this.state.players.get(userId);
    if (racer && player) mirrorRacer(player, racer);
  }

  /** This process is shutting down: the race runs to its end (its players are mid-race), then closes. */
  override onBeforeShutdown() {
    this.#shuttingDown = true;
    this.#log.info({ status: this.#race.status }, "shutdown: the race runs to its end");
    if (this.#race.status === "finished") this.clock.setTimeout(() => this.disconnect(), SHUTDOWN_LINGER_MS);
  }

  override onUncaughtException(error: Error, methodName: string) {
    logRoomFailure(this.#log, error, methodName);
  }

  override onDispose() {
    this.services.metrics.roomClosed("race");
    this.#log.info("race room disposed");
  }
}

const notInRoster = () =>
  new ServerError(RoomCloseCode.NOT_IN_ROSTER, "NOT_IN_ROSTER: you are not in this race");
