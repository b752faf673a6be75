/**
 * Matchmaking. Players `joinOrCreate("lobby", { words })`, one lobby per race length (its `words`
 * filters the search); the lobby's countdown starts when it is created and
 * joins never reset it. The race starts when the countdown ends, or at once when the lobby is full;
 * either way only once every player matchmaking gave a seat here has connected (or given up).
 * At the start the lobby creates the race (game row, text, race room), hands every player a seat
 * reservation in a `game_start` message, and disposes.
 *
 * Matchmaking by skill (src/api/lobbySeating.ts) seats players by the lobby's listing: the lobby
 * publishes its players' mean rating there (`LobbyMetadata`), from the ratings their seats carry
 * (the opener's from the start), whenever it changes. At each widening step of the schedule
 * (`SKILL_WINDOWS`) the lobby asks whether an older open lobby now accepts all its players
 * (src/game/skillMatch.ts `regroupTarget`); if one does, it regroups: it locks, tells its players
 * `reconnect` `{ reason: "regroup" }`, and closes once they have gone; they queue again, and the
 * search seats them in the older lobby, which starts sooner.
 */
import { type Client, ClientState, CloseCode, type Delayed, Room } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import { logRoomFailure } from "../colyseus/logger.ts";
import { seatsBeingTaken } from "../colyseus/seats.ts";
import { regroupTarget } from "../game/skillMatch.ts";
import type { Logger } from "../log.ts";
import { type ReconnectMessage, RoomErrorCode, ServerMessage } from "../protocol.ts";
import { type LobbyListing, type LobbyMetadata, openLobbies } from "./lobbyListings.ts";
import { launchRace } from "./raceLaunch.ts";
import { rejectMessage, rejectUnknownMessages } from "./roomErrors.ts";
import { LobbyPlayer, LobbyState } from "./schema/LobbyState.ts";
import {
  type JoinContext,
  joiningUser,
  joinOptions,
  mayReconnect,
  perDefaultLength,
  type RoomServices,
  raceLengthOption,
} from "./services.ts";
import { OneSessionPerUser } from "./sessions.ts";

/** What the lobby tells the HTTP API about itself (GET /api/v1/lobbies/:roomId). */
export interface LobbyDescription {
  players: Array<{ id: string; name: string }>;
  maxPlayers: number;
  secondsLeft: number;
}

type LobbyClient = Client<{ auth: TokenUser }>;

const MAX_MESSAGES_PER_SECOND = 20;
/** What matchmaking by skill adds to a seat's (and the opener's) options: the player's shown rating. */
export interface LobbySeatOptions extends Record<string, unknown> {
  rating: number;
}

/** A lobby's one option: the race length (the server's default when none is asked for). */
const lobbyJoinOptions = perDefaultLength((defaultLength) =>
  z.object({ words: raceLengthOption(defaultLength).default(defaultLength) }).strict(),
);
/** How long a started lobby stays for players whose join is not yet acknowledged. */
const DELIVERY_WAIT_MS = 5_000;

export class LobbyRoom extends Room<{ state: LobbyState; client: LobbyClient }> {
  /** Bound per server process in app.config.ts. */
  declare services: RoomServices;

  override state = new LobbyState();
  #sessions = new OneSessionPerUser();
  /** the countdown is over or the lobby full: no more seats */
  #starting = false;
  /** waiting for seats handed out before the start to be taken */
  #awaitingSeats: Delayed | undefined;
  #raceCreated = false;
  #shuttingDown = false;
  /** an older lobby accepts everyone here: they were told to queue again */
  #regrouping = false;
  /** the shown rating of each player seated here whose seat carried one */
  #ratings = new Map<string, number>();
  /** the rating of the player who opened the lobby, until a player with one joins */
  #openerRating: number | undefined;
  #log!: Logger;

  override onCreate(options: { words: number } & Partial<LobbySeatOptions>) {
    const { timings } = this.services;
    this.state.words = options.words;
    this.services.metrics.roomOpened("lobby");
    this.#log = this.services.log.child({ component: "lobby", roomId: this.roomId });
    this.#openerRating = ratingIn(options);
    this.#publishRating();
    this.maxClients = timings.lobbyMaxPlayers;
    this.state.maxPlayers = timings.lobbyMaxPlayers;
    this.state.startsAt = Date.now() + timings.lobbyCountdownMs;
    this.clock.setTimeout(() => this.startRace(), timings.lobbyCountdownMs);
    for (const { fromMs } of this.services.skillWindows) {
      if (fromMs > 0 && fromMs < timings.lobbyCountdownMs) {
        this.clock.setTimeout(() => this.#regroupIfAccepted(), fromMs);
      }
    }
    // Clients have nothing to say in a lobby: anything they send is answered, and a flood is closed.
    this.maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
    rejectUnknownMessages(this, this.services.metrics);
    this.#log.info("lobby created");
  }

  /**
   * Run by Colyseus during the matchmaking request, before it searches: no seat without the user the
   * route authenticated, nor with options other than a race length. The length is written into the
   * options (the default when there is none), since the search filters on it: a player who asked for
   * nothing must not land in a 100-word lobby. Bound with the server's default in app.config.ts.
   */
  static admit(options: unknown, context: JoinContext, defaultLength: number): TokenUser {
    const { words } = joinOptions(lobbyJoinOptions(defaultLength), options);
    if (options) (options as { words: number }).words = words;
    return joiningUser(context);
  }

  override onJoin(client: LobbyClient, options?: Partial<LobbySeatOptions>) {
    // A seat handed out just before the lobby regrouped: this player queues again too.
    if (this.#regrouping) {
      client.send(ServerMessage.RECONNECT, { reason: "regroup" } satisfies ReconnectMessage);
      return;
    }
    const user = client.auth!;
    if (!this.#sessions.take(this, user.id, client)) {
      this.state.players.set(user.id, new LobbyPlayer({ id: user.id, name: user.name }));
    }
    const rating = ratingIn(options);
    if (rating !== undefined) this.#ratings.set(user.id, rating);
    this.#publishRating();
    this.#log.info({ userId: user.id, players: this.state.players.size }, "player joined the lobby");
    if (this.#awaitingSeats && seatsBeingTaken(this) === 0) this.#createRace();
    else if (this.state.players.size >= this.state.maxPlayers) this.startRace();
  }

  override async onDrop(client: LobbyClient, code?: number) {
    if (this.#starting || !this.#represents(client) || !mayReconnect(code)) return;
    // The player keeps their place while the connection may come back.
    await this.#sessions
      .awaitReconnection(
        client.auth!.id,
        this.allowReconnection(client, this.services.timings.reconnectGraceS),
      )
      .catch(() => {});
  }

  override onReconnect(client: LobbyClient) {
    // Away while the lobby regrouped: queue again as the others did.
    if (this.#regrouping) {
      client.send(ServerMessage.RECONNECT, { reason: "regroup" } satisfies ReconnectMessage);
      return;
    }
    // Removed through the leave API while the connection was away: do not come back.
    if (!this.state.players.has(client.auth!.id)) client.leave(CloseCode.CONSENTED, "left the lobby");
  }

  override onLeave(client: LobbyClient) {
    if (this.#starting || !this.#represents(client)) return;
    this.removePlayer(client.auth!.id);
  }

  /** A player leaves (the socket closed for good, or the leave API): gone from the state at once. */
  removePlayer(userId: string): boolean {
    if (this.#starting || !this.state.players.has(userId)) return false;
    const sessionId = this.#sessions.sessionOf(userId);
    this.#sessions.release(userId);
    this.state.players.delete(userId);
    this.#ratings.delete(userId);
    this.#publishRating();
    if (sessionId) this.clients.get(sessionId)?.leave(CloseCode.CONSENTED, "left the lobby");
    this.#log.info({ userId, players: this.state.players.size }, "player left the lobby");
    return true;
  }

  describe(): LobbyDescription {
    return {
      players: [...this.state.players.values()].map(({ id, name }) => ({ id, name })),
      maxPlayers: this.state.maxPlayers,
      secondsLeft: Math.max(0, Math.ceil((this.state.startsAt - Date.now()) / 1000)),
    };
  }

  /**
   * The countdown is over, or the lobby is full. A seat is handed out over HTTP and taken over the
   * WebSocket that follows; on a loaded server seconds can pass in between, and starting meanwhile
   * would leave the seat-holder a closed lobby. So the lobby, locked against new seats, first waits
   * for those seats to be taken (each join checks), at most until they must have expired.
   */
  private startRace() {
    if (this.#starting) return;
    this.#starting = true;
    this.lock();
    if (seatsBeingTaken(this) === 0 || this.#shuttingDown) {
      this.#createRace();
      return;
    }
    const seatsExpireS = Math.min(this.services.timings.reconnectGraceS, this.seatReservationTimeout);
    this.#awaitingSeats = this.clock.setTimeout(() => this.#createRace(), seatsExpireS * 1000);
  }

  /** Creates the race for everyone seated, hands out the seats, and closes the lobby. */
  async #createRace() {
    if (this.#raceCreated) return;
    this.#raceCreated = true;
    this.#awaitingSeats?.clear();
    this.#awaitingSeats = undefined;
    const roster = [...this.clients]
      .filter((client) => this.#represents(client))
      .map((client) => ({ client, user: client.auth! }));
    if (roster.length === 0) {
      await this.disconnect();
      return;
    }

    try {
      const gameId = await launchRace(this.services, { mode: "public", length: this.state.words }, roster);
      this.#log.info({ gameId, players: roster.length }, "race created");
    } catch (error) {
      this.#log.error({ err: error }, "could not create the race");
      for (const { client } of roster) {
        rejectMessage(
          this.services.metrics,
          client,
          RoomErrorCode.RACE_UNAVAILABLE,
          "the race could not be created; queue again",
        );
      }
    }
    // Colyseus queues what it sends a client until the client acknowledges its join, and drops that
    // queue when the room disconnects: a player who joined as the lobby filled would never see
    // `game_start`. Such a lobby stays a moment longer.
    if (roster.some(({ client }) => client.state === ClientState.JOINING)) {
      this.clock.setTimeout(() => this.disconnect(), DELIVERY_WAIT_MS);
    } else {
      await this.disconnect();
    }
  }

  /**
   * A widening step of the schedule: players already waiting here may now be accepted by an older
   * lobby (which searches alone would never find out). If one accepts them all, they queue again
   * and land there. The lobby stays open for them until they have left (a seat handed out meanwhile
   * is told the same as it joins), at most until their `reconnect` must have been delivered.
   */
  async #regroupIfAccepted() {
    if (this.#starting) return;
    let lobbies: LobbyListing[];
    try {
      lobbies = await openLobbies(this.roomName, this.state.words);
    } catch (error) {
      this.#log.warn({ err: error }, "could not list the lobbies to regroup");
      return;
    }
    const own = lobbies.find(({ roomId }) => roomId === this.roomId);
    if (this.#starting || !own) return;
    const players = [...this.state.players.keys()];
    const target = regroupTarget(
      { roomId: own.roomId, openedAt: own.openedAt, ratings: players.map((id) => this.#ratings.get(id)) },
      lobbies,
      Date.now(),
      this.services.skillWindows,
    );
    if (!target) return;

    this.#starting = true;
    this.#regrouping = true;
    this.lock();
    this.broadcast(ServerMessage.RECONNECT, { reason: "regroup" } satisfies ReconnectMessage);
    this.#log.info({ players: players.length, into: target.roomId }, "lobby regrouped into an older one");
    // Colyseus disposes the lobby once the last player has left; this is for one who never does.
    this.clock.setTimeout(() => this.disconnect(), DELIVERY_WAIT_MS);
  }

  /** This process is shutting down: its players queue again, and land in a lobby of another process. */
  override onBeforeShutdown() {
    this.#starting = true;
    this.#shuttingDown = true;
    this.broadcast(ServerMessage.RECONNECT, { reason: "server_shutdown" } satisfies ReconnectMessage);
    this.#log.info({ players: this.state.players.size }, "lobby closed by shutdown: players sent elsewhere");
    this.disconnect(CloseCode.SERVER_SHUTDOWN).catch(() => {});
  }

  override onUncaughtException(error: Error, methodName: string) {
    logRoomFailure(this.#log, error, methodName);
  }

  override onDispose() {
    this.services.metrics.roomClosed("lobby");
    this.#log.info("lobby disposed");
  }

  /**
   * The listing's metadata, when the mean rating changed: searches read it (one write of the
   * listing; none while everyone queuing has the same rating).
   */
  #publishRating() {
    const ratings = [...this.#ratings.values()];
    const rating = ratings.length
      ? Math.round(ratings.reduce((sum, each) => sum + each, 0) / ratings.length)
      : this.#openerRating;
    const metadata: LobbyMetadata = { words: this.state.words, ...(rating !== undefined && { rating }) };
    const published = this.metadata as LobbyMetadata | undefined;
    if (published?.words === metadata.words && published.rating === metadata.rating) return;
    this.setMetadata(metadata).catch((error) =>
      this.#log.warn({ err: error }, "could not publish the rating"),
    );
  }

  #represents(client: LobbyClient): boolean {
    return this.#sessions.represents(client.auth?.id, client);
  }
}

/** The rating matchmaking put in a seat's options, if any. */
const ratingIn = (options: Partial<LobbySeatOptions> | undefined): number | undefined =>
  typeof options?.rating === "number" && Number.isFinite(options.rating) ? options.rating : undefined;
