/**
 * The race room: transport over the race model (src/game/race/race.ts), which decides everything.
 * Created only by a lobby or a private room, raced only by its roster, watched by spectators. The
 * room authenticates and wires Colyseus to the parts that carry out what the model decides: racers'
 * connections (racerConnections.ts) and keys (racerKeys.ts), the time (raceClock.ts), the synced
 * state (raceMirror.ts), spectators (raceSpectators.ts), results to the store (raceResults.ts), the
 * race's listing (raceListing.ts), and closing once it is over (raceClosing.ts).
 */
import { matchMaker, Room } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import { logRoomFailure } from "../colyseus/logger.ts";
import type { Race, RaceEvent, RaceSnapshot } from "../game/race/race.ts";
import type { RaceResult } from "../game/race/result.ts";
import type { Logger } from "../log.ts";
import { ClientMessage, type LiveRace, ServerMessage } from "../protocol.ts";
import { RaceClock } from "./raceClock.ts";
import { RaceClosing } from "./raceClosing.ts";
import { raceCreateOptions, raceOf } from "./raceLaunch.ts";
import { liveRace, type RaceListing, raceListing } from "./raceListing.ts";
import { RaceMirror } from "./raceMirror.ts";
import { storeEnd, storeFinish } from "./raceResults.ts";
import { notInRoster, type RaceClient, RacerConnections } from "./racerConnections.ts";
import { RacerKeys } from "./racerKeys.ts";
import { RaceSpectators, SPECTATOR_REFUSAL, spectatorsFull } from "./raceSpectators.ts";
import { rejectMessage, rejectUnknownMessages } from "./roomErrors.ts";
import { RaceState } from "./schema/RaceState.ts";
import { type JoinContext, joiningUser, joinOptions, type RoomServices } from "./services.ts";

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
  #keys!: RacerKeys;
  #spectators!: RaceSpectators;
  #closing!: RaceClosing;
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
    this.#race = raceOf(created, timings);
    this.#mirror = new RaceMirror(this.state, this.#race);
    this.#racers = new RacerConnections(this, this.#race, this.#mirror, this.#log, timings.reconnectGraceS);
    this.#keys = new RacerKeys(this.#race, this.#mirror, metrics);
    this.#spectators = new RaceSpectators(timings.raceMaxSpectators);
    this.#closing = new RaceClosing(this, this.#race, created.partyId, this.#log);
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
    if (this.#spectators.has(client)) {
      rejectMessage(this.services.metrics, client, SPECTATOR_REFUSAL.code, SPECTATOR_REFUSAL.message);
      return;
    }
    const seat = this.#racers.seatOf(client);
    if (seat && this.#keys.type(seat, client, payload) === "finished") this.#apply(this.#race.takeEvents());
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
    this.#closing.left();
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
        const { userId, rank, wpm, acc } = event.result;
        this.#mirror.racer(userId);
        this.#log.info({ userId, rank, wpm, acc }, "player finished");
        storeFinish(this.services, event.result, this.#log, (message) =>
          this.#racers.tell(userId, ServerMessage.FINISHED, message),
        );
      } else {
        this.#end(event.dnf);
      }
    }
  }

  #end(dnf: RaceResult[]) {
    this.#mirror.status();
    this.#list();
    this.services.metrics.raceFinished();
    storeEnd(this.services, this.#race.gameId, dnf, this.#log, (userId, message) =>
      this.#racers.tell(userId, ServerMessage.RATING, message),
    );
    this.#log.info(
      { finished: this.#race.racerCount - dnf.length, players: this.#race.racerCount },
      "race over",
    );
    this.#closing.ended();
  }

  /** This process is shutting down: the race runs to its end (its players are mid-race), then closes. */
  override onBeforeShutdown() {
    this.#log.info({ status: this.#race.status }, "shutdown: the race runs to its end");
    this.#closing.shuttingDown();
  }

  override onUncaughtException(error: Error, methodName: string) {
    logRoomFailure(this.#log, error, methodName);
  }

  override onDispose() {
    this.services.metrics.roomClosed("race");
    this.#log.info("race room disposed");
  }
}
