/**
 * A private room of friends: transport over its rules (src/game/party.ts). Created with
 * `create("private", { words, maxPlayers })`, its room id is its invite code, and anyone signed in
 * joins with `joinById(code)`. The host's `start` races everyone connected (alone: practice); the
 * room stays open through the race and reopens when it ends, for a rematch. The host's `settings`
 * may name a ghost, a stored result to race against, which the room reads from the database. It
 * disposes once empty, a dropped player's place kept for the reconnect grace (a reload keeps the room).
 */
import { randomInt } from "node:crypto";
import { type Client, CloseCode, type Delayed, matchMaker, Room, ServerError } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import { logRoomFailure } from "../colyseus/logger.ts";
import type { GhostRun } from "../db/games.ts";
import { canBeGhost, inviteCode, Party, type PartyRefusal } from "../game/party.ts";
import { timeLimitFor } from "../game/race/race.ts";
import { raceLengths } from "../game/raceLengths.ts";
import type { Logger } from "../log.ts";
import {
  ApiErrorCode,
  ClientMessage,
  PRIVATE_ROOM_PLAYERS,
  RoomCloseCode,
  RoomErrorCode,
} from "../protocol.ts";
import { launchRace } from "./raceLaunch.ts";
import { rejectMessage, rejectUnknownMessages } from "./roomErrors.ts";
import { LobbyPlayer } from "./schema/LobbyState.ts";
import { PrivateGhost, PrivateState } from "./schema/PrivateState.ts";
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

type PrivateClient = Client<{ auth: TokenUser }>;

const MAX_MESSAGES_PER_SECOND = 20;
/** Codes drawn before giving up on one no open room has: with 31^6 codes, a second is rare. */
const CODE_ATTEMPTS = 10;
/**
 * How long after a race's time limit the room waits to hear it ended before reopening anyway: its
 * race room may have died with its process.
 */
const RACE_END_SLACK_MS = 30_000;

const createOptions = perDefaultLength((defaultLength) =>
  z
    .object({
      words: raceLengthOption(defaultLength).default(defaultLength),
      maxPlayers: z
        .number()
        .int()
        .min(PRIVATE_ROOM_PLAYERS.min)
        .max(PRIVATE_ROOM_PLAYERS.max)
        .default(PRIVATE_ROOM_PLAYERS.default),
    })
    .strict(),
);
export type PrivateCreateOptions = z.infer<ReturnType<typeof createOptions>>;
/** Joining by code takes no options. */
const joinByCodeOptions = z.object({}).strict();

const REFUSALS: Record<PartyRefusal, string> = {
  NOT_HOST: "only the host may do that",
  INVALID_SETTINGS:
    "settings: words one of the race lengths, maxPlayers 2–10 and no fewer than are here, ghost { gameId, userId } or null",
  ALREADY_RACING: "the room's race is on; start again when it ends",
};

export class PrivateRoom extends Room<{ state: PrivateState; client: PrivateClient }> {
  /** Bound per server process in app.config.ts. */
  declare services: RoomServices;

  override state = new PrivateState();
  #party!: Party;
  /** the stored result the party's ghost setting names, as read from the database */
  #ghost: GhostRun | undefined;
  #sessions = new OneSessionPerUser();
  /** reopens the room should its race never say it ended */
  #raceWatch: Delayed | undefined;
  #shuttingDown = false;
  #log!: Logger;

  override async onCreate(options: PrivateCreateOptions) {
    const { timings, metrics } = this.services;
    metrics.roomOpened("private");
    this.roomId = await this.#freeCode();
    await this.setPrivate(true, false);
    // The party keeps the player limit; this only leaves room for a reloaded page's new connection.
    this.maxClients = PRIVATE_ROOM_PLAYERS.max * 2;
    this.maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
    this.#log = this.services.log.child({ component: "private", roomId: this.roomId });
    this.#party = new Party({ ...options, ghost: null }, raceLengths(timings.raceWords));
    this.state.code = this.roomId;
    this.#mirror();

    this.onMessage(ClientMessage.START, (client: PrivateClient) => this.#start(client));
    this.onMessage(ClientMessage.SETTINGS, (client: PrivateClient, payload: unknown) =>
      this.#changeSettings(client, payload),
    );
    rejectUnknownMessages(this, metrics);
    this.#log.info(options, "private room created");
  }

  /**
   * Run by Colyseus during the matchmaking request: no seat without the user the route
   * authenticated. Creating takes the settings (written back with their defaults, as the room is
   * created with them); joining by code takes nothing, and a seat only while one is free. Bound
   * with the server's default length in app.config.ts.
   */
  static async admit(options: unknown, context: JoinContext, defaultLength: number): Promise<TokenUser> {
    if (context.roomId === undefined) {
      const settings = joinOptions(createOptions(defaultLength), options);
      if (options) Object.assign(options, settings);
      return joiningUser(context);
    }
    joinOptions(joinByCodeOptions, options);
    const user = joiningUser(context);
    if (!(await matchMaker.remoteRoomCall<PrivateRoom>(context.roomId, "hasRoomFor", [user.id]))) {
      throw roomFull();
    }
    return user;
  }

  hasRoomFor(userId: string): boolean {
    return this.#party.hasRoomFor(userId);
  }

  override onJoin(client: PrivateClient) {
    const user = client.auth!;
    // Several may have been admitted at once: the limit is kept here.
    if (!this.#party.hasRoomFor(user.id)) throw roomFull();
    this.#sessions.take(this, user.id, client);
    this.#party.join({ id: user.id, name: user.name });
    this.#mirror();
    this.#log.info({ userId: user.id, players: this.state.players.size }, "player joined the private room");
  }

  override async onDrop(client: PrivateClient, code?: number) {
    if (!this.#userOf(client) || !mayReconnect(code)) return;
    // The player keeps their place (and the room stays) while the connection may come back.
    await this.allowReconnection(client, this.services.timings.reconnectGraceS).catch(() => {});
  }

  override onLeave(client: PrivateClient) {
    const user = this.#userOf(client);
    if (!user) return;
    this.#sessions.release(user.id);
    this.#party.leave(user.id);
    this.#mirror();
    this.#log.info({ userId: user.id, hostId: this.#party.hostId }, "player left the private room");
  }

  /** Told by the race room when a race it ran for this room is over. */
  raceEnded(gameId: string): void {
    if (!this.#party.raceEnded(gameId)) return;
    this.#raceWatch?.clear();
    this.#raceWatch = undefined;
    this.#mirror();
    this.#log.info({ gameId }, "race over: the room is open again");
    if (this.#shuttingDown) this.disconnect(CloseCode.SERVER_SHUTDOWN).catch(() => {});
  }

  /** The host's settings; a ghost new to the room is read first, and must be a finished result. */
  async #changeSettings(client: PrivateClient, payload: unknown) {
    const user = this.#userOf(client);
    if (!user) return;
    const settings = this.#party.checkSettings(user.id, payload);
    if (typeof settings === "string") return this.#refuse(client, settings);
    const { ghost } = settings;
    let run = ghost ? this.#ghost : undefined;
    if (ghost && (run?.gameId !== ghost.gameId || run.userId !== ghost.userId)) {
      try {
        run = await this.services.findGhostRun(ghost.gameId, ghost.userId);
      } catch (error) {
        this.#log.warn({ err: error, ghost }, "could not read the ghost's race");
        return this.#refuse(client, "INVALID_SETTINGS", "the ghost's race could not be read: try again");
      }
      if (!canBeGhost(run)) {
        return this.#refuse(
          client,
          "INVALID_SETTINGS",
          "ghost: no finished result of that player in that race",
        );
      }
    }
    // Checked again: the host or the room may have changed while the race was read.
    const refusal = this.#party.changeSettings(user.id, settings);
    if (refusal) return this.#refuse(client, refusal);
    this.#ghost = run;
    this.#mirror();
  }

  async #start(client: PrivateClient) {
    const user = this.#userOf(client);
    if (!user) return;
    const refusal = this.#party.start(user.id);
    if (refusal) {
      this.#refuse(client, refusal);
      return;
    }
    this.state.status = "racing";
    const entrants = [...this.clients]
      .filter((member) => this.#userOf(member))
      .map((member) => ({ client: member, user: member.auth! }));
    const ghost = this.#ghost;
    // A ghost's race is on its text, whatever its length.
    const words = ghost?.words.length ?? this.#party.settings.words;
    try {
      const gameId = await launchRace(
        this.services,
        { mode: "private", length: words, partyId: this.roomId, ghost },
        entrants,
      );
      this.#party.raceStarted(gameId);
      const { timings } = this.services;
      const lastsMs =
        timings.raceStartCountdownMs +
        timeLimitFor(words, timings.raceTimeLimitMs, timings.raceWords) +
        RACE_END_SLACK_MS;
      this.#raceWatch = this.clock.setTimeout(() => this.raceEnded(gameId), lastsMs);
      this.#log.info({ gameId, players: entrants.length }, "race started");
    } catch (error) {
      this.#party.startFailed();
      this.#mirror();
      this.#log.error({ err: error }, "could not create the race");
      rejectMessage(
        this.services.metrics,
        client,
        RoomErrorCode.RACE_UNAVAILABLE,
        "the race could not be created; start again",
      );
    }
  }

  #refuse(client: PrivateClient, refusal: PartyRefusal, message = REFUSALS[refusal]) {
    rejectMessage(this.services.metrics, client, RoomErrorCode[refusal], message);
  }

  /** The user `client` is, unless a newer connection of the same player replaced it. */
  #userOf(client: PrivateClient): TokenUser | undefined {
    const user = client.auth;
    return user && this.#sessions.represents(user.id, client) ? user : undefined;
  }

  /** The party, as the synced state shows it. */
  #mirror() {
    const party = this.#party;
    const state = this.state;
    state.hostId = party.hostId;
    state.words = party.settings.words;
    state.maxPlayers = party.settings.maxPlayers;
    state.status = party.racing ? "racing" : "open";
    state.lastGameId = party.lastGameId;
    const ghost = this.#ghost;
    if (!ghost) state.ghost = undefined;
    else if (state.ghost?.gameId !== ghost.gameId || state.ghost.userId !== ghost.userId) {
      const { gameId, userId, name, words, wpm } = ghost;
      state.ghost = new PrivateGhost({ gameId, userId, name, words: words.length, wpm });
    }
    const members = party.members();
    const ids = new Set(members.map(({ id }) => id));
    for (const id of [...state.players.keys()]) if (!ids.has(id)) state.players.delete(id);
    for (const { id, name } of members) {
      if (!state.players.has(id)) state.players.set(id, new LobbyPlayer({ id, name }));
    }
  }

  /** An invite code no open room has (rooms of every kind share one id space), not to be guessed. */
  async #freeCode(): Promise<string> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = inviteCode(secureRandom);
      if (!(await matchMaker.getRoomById(code))) return code;
    }
    throw new Error("no free invite code found");
  }

  /**
   * This process is shutting down, and the room cannot move to another: it closes, once its race
   * (on this process or not) is over, so that its players see their results first.
   */
  override onBeforeShutdown() {
    this.#shuttingDown = true;
    this.#log.info({ racing: this.#party.racing }, "shutdown: the private room closes");
    if (!this.#party.racing) this.disconnect(CloseCode.SERVER_SHUTDOWN).catch(() => {});
  }

  override onUncaughtException(error: Error, methodName: string) {
    logRoomFailure(this.#log, error, methodName);
  }

  override onDispose() {
    this.services.metrics.roomClosed("private");
    this.#log.info("private room disposed");
  }
}

const secureRandom = () => randomInt(2 ** 47) / 2 ** 47;
const roomFull = () =>
  new ServerError(RoomCloseCode.FULL, `${ApiErrorCode.ROOM_FULL}: this room has as many players as it takes`);
