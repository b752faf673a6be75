/**
 * The race room: transport over the race model (src/game/race/race.ts), which decides everything.
 * Created only by a lobby or a private room, raced only by its roster, watched by spectators. The
 * room authenticates, wires each part to Colyseus and carries out what the model decides: racers'
 * connections (racerConnections.ts), keys through their gate (keyGate.ts), the time (raceClock.ts),
 * the synced state (raceMirror.ts), spectators (raceSpectators.ts), the results to the store
 * (raceResults.ts), its listing (raceListing.ts). A private room's race tells that room when it ends.
 */
import { matchMaker, Room } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import { logRoomFailure } from "../colyseus/logger.ts";
import type { Race, RaceEvent, RaceSnapshot } from "../game/race/race.ts";
import type { RaceResult } from "../game/race/result.ts";
import type { Logger } from "../log.ts";
import { ClientMessage, type LiveRace, ServerMessage } from "../protocol.ts";
import { keyOf, refusedKey } from "./keyGate.ts";
import type { PrivateRoom } from "./PrivateRoom.ts";
import { RaceClock } from "./raceClock.ts";
import { raceCreateOptions, raceOf } from "./raceLaunch.ts";
import { liveRace, type RaceListing, raceListing } from "./raceListing.ts";
import { RaceMirror } from "./raceMirror.ts";
import { storeEnd, storeFinish } from "./raceResults.ts";
import { notInRoster, type RaceClient, RacerConnections } from "./racerConnections.ts";
import { RaceSpectators, SPECTATOR_REFUSAL, spectatorsFull } from "./raceSpectators.ts";
import { rejectMessage, rejectUnknownMessages } from "./roomErrors.ts";
import { RaceState } from "./schema/RaceState.ts";
import { type JoinContext, joiningUser, joinOptions, type RoomServices } from "./services.ts";

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

export class TypingRoom extends Room<{ state: RaceState; client: RaceClient; metadata: RaceListing }> {
  /** Bound per server process in app.config.ts. */
  declare services: RoomServices;

  override state = new RaceState();
  #race!: Race;
  #mirror!: RaceMirror;
  #racers!: RacerConnections;
  #spectators!: RaceSpectators;
  #partyId: string | undefined;
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
    this.#partyId = created.partyId;
    this.#race = raceOf(created, timings);
    this.#mirror = new RaceMirror(this.state, this.#race);
    this.#racers = new RacerConnections(this, this.#race, this.#mirror, this.#log, timings.reconnectGraceS);
    this.#spectators = new RaceSpectators(timings.raceMaxSpectators);
    this.#list();
    new RaceClock(this.clock, this.#race, () => this.#ticked()).start();

    this.onMessage(ClientMessage.KEY, (client: RaceClient, payload: unknown) => this.#onKey(client, payload));
    rejectUnknownMessages(this, metrics, (client) =>
      this.#spectators.has(client) ? SPECTATOR_REFUSAL : undefined,
    );
    this.#log.info(
      { players: created.roster.length, startsAt: created.startsAt, ghost: created.ghost?.userId },
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
    return this.#race.onRoster(userId);
  }

  admitsSpectator(): boolean {
    return this.#spectators.admits();
  }

  override onJoin(client: RaceClient, options?: { spectate?: true }) {
    if (!options?.spectate) return this.#racers.join(client);
    this.#spectators.add(client);
    this.#mirror.spectators(this.#spectators.count);
    this.#log.info({ userId: client.auth?.id, spectators: this.#spectators.count }, "spectator joined");
  }

  #onKey(client: RaceClient, payload: unknown) {
    const { metrics } = this.services;
    if (this.#spectators.has(client)) {
      rejectMessage(metrics, client, SPECTATOR_REFUSAL.code, SPECTATOR_REFUSAL.message);
      return;
    }
    const seat = this.#racers.seatOf(client);
    if (!seat) return;
    const now = Date.now();
    const key = keyOf(seat, client, payload, now, metrics);
    if (key === null) return;
    const outcome = this.#race.key(seat.userId, key, now);
    // The ghost's keys due before this one were typed first.
    this.#mirror.ghost();
    if (outcome === "ignored" || refusedKey(outcome, client, metrics)) return;
    metrics.keystroke();
    this.#mirror.position(seat.userId);
    if (outcome === "finished") this.#apply(this.#race.takeEvents());
  }

  override onBeforePatch() {
    this.#spectators.beforePatch();
  }

  override onDrop(client: RaceClient, code?: number) {
    return this.#racers.drop(client, code);
  }

  override onReconnect(client: RaceClient) {
    this.#racers.reconnect(client);
  }

  override onLeave(client: RaceClient) {
    if (this.#spectators.remove(client)) this.#mirror.spectators(this.#spectators.count);
    if (this.#racers.leave(client)) this.#apply(this.#race.takeEvents());
    if (this.#race.status === "finished" && this.clients.length === 0) this.disconnect();
  }

  describe(): RaceSnapshot {
    return this.#race.snapshot();
  }

  describeLive(): LiveRace {
    return liveRace(this.#race, this.#spectators.count);
  }

  #list() {
    this.setMetadata(raceListing(this.#race)).catch((error) =>
      this.#log.warn({ err: error }, "could not list the race"),
    );
  }

  /** After a tick of the race's clock: the ghost's keys it typed, and what the model decided. */
  #ticked() {
    this.#mirror.ghost();
    this.#apply(this.#race.takeEvents());
  }

  /** What the model decided, carried out: the synced state, the store, the players' messages. */
  #apply(events: RaceEvent[]) {
    for (const event of events) {
      if (event.type === "opened") {
        this.#mirror.status();
        this.#list();
        this.#log.info("typing open");
      } else if (event.type === "finished") {
        const racer = this.#race.racer(event.userId)!;
        this.#mirror.racer(event.userId);
        this.#log.info(
          { userId: racer.id, rank: racer.rank, wpm: racer.wpm, acc: racer.acc },
          "player finished",
        );
        storeFinish(this.services, event.result, this.#log, (message) =>
          this.#racers.tell(event.userId, ServerMessage.FINISHED, message),
        );
      } else {
        this.#end(event.dnf);
      }
    }
  }

  #end(dnf: RaceResult[]) {
    this.#mirror.status();
    this.#list();
    if (this.#partyId) {
      matchMaker
        .remoteRoomCall<PrivateRoom>(this.#partyId, "raceEnded", [this.#race.gameId])
        .catch((error) => this.#log.warn({ err: error }, "could not tell the private room the race ended"));
    }
    this.services.metrics.raceFinished();
    storeEnd(this.services, this.#race.gameId, dnf, this.#log, (userId, message) =>
      this.#racers.tell(userId, ServerMessage.RATING, message),
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
