/**
 * Players for room tests: real guests signed in over HTTP, each with its own @colyseus/sdk client,
 * queueing, racing and typing like a person would (one `key` message per key).
 */
import { matchMaker } from "@colyseus/core";
import { Client, Protocol, Room, type SeatReservation } from "@colyseus/sdk";
import {
  ClientMessage,
  type FinishedMessage,
  type GameStartMessage,
  type KeyMessage,
  type LobbyStateShape,
  type PrivateStateShape,
  type RaceStateShape,
  type RatingMessage,
  type ReconnectMessage,
  type RoomErrorMessage,
  RoomName,
  ServerMessage,
  type SettingsMessage,
} from "../../src/protocol.ts";
import { signInGuest } from "./http.ts";

export type LobbyRoomHandle = Room<unknown, LobbyStateShape>;
export type RaceRoomHandle = Room<unknown, RaceStateShape>;
export type PrivateRoomHandle = Room<unknown, PrivateStateShape>;

/** Resolves with the probe's first truthy answer, polling; rejects after `timeoutMs` naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => T,
  timeoutMs = 5_000,
): Promise<Exclude<Awaited<T>, undefined | null | false>> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) {
      return value as Exclude<Awaited<T>, undefined | null | false>;
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once the room's first full state has arrived (joins resolve a round trip before it). */
export function initialState<R extends { onStateChange: { once(callback: () => void): void } }>(
  room: R,
): Promise<R> {
  return new Promise((resolve) => room.onStateChange.once(() => resolve(room)));
}

/**
 * Makes every SDK client connecting from now on acknowledge its join `delayMs` late, as a client on a
 * slow link or a busy machine does; the server meanwhile queues what it sends that client.
 * Returns the function that restores prompt acknowledgements.
 */
export function slowJoinAcknowledgements(delayMs: number): () => void {
  const prototype = Room.prototype as unknown as {
    connect(this: Room, ...args: unknown[]): unknown;
  };
  const connect = prototype.connect;
  prototype.connect = function (this: Room, ...args: unknown[]) {
    const result = connect.apply(this, args);
    const connection = this.connection;
    const send = connection.send.bind(connection);
    connection.send = (data: Uint8Array) => {
      if (data.length === 1 && data[0] === Protocol.JOIN_ROOM) {
        // The SDK reuses this buffer for its next message: send a copy.
        const copy = Uint8Array.from(data);
        setTimeout(() => send(copy), delayMs);
      } else send(data);
    };
    return result;
  };
  return () => {
    prototype.connect = connect;
  };
}

/**
 * Cuts a client's connection the way a network failure does: the server terminates the socket
 * without a closing handshake, so the server sees a drop and the SDK tries to reconnect.
 */
export function dropConnection(room: { roomId: string; sessionId: string }): void {
  const serverRoom = matchMaker.getLocalRoomById(room.roomId);
  const client = serverRoom?.clients.get(room.sessionId) as unknown as
    | { ref: { terminate(): void } }
    | undefined;
  if (!client) throw new Error(`no connection of session ${room.sessionId} in room ${room.roomId}`);
  client.ref.terminate();
}

export class Player {
  readonly sdk: Client;
  readonly id: string;
  readonly name: string;
  readonly accessToken: string;
  lobby: LobbyRoomHandle | undefined;
  race: RaceRoomHandle | undefined;
  party: PrivateRoomHandle | undefined;
  gameStart: GameStartMessage | undefined;
  finished: FinishedMessage | undefined;
  /** the `rating` message of the last race, once its rated end is written */
  rating: RatingMessage | undefined;
  readonly errors: RoomErrorMessage[] = [];
  /** the lobby's server shut down and asked this player to queue again */
  toldToReconnect = false;
  /** the lobbies this player left for an older one that accepted them (queueing again at once, as the page does) */
  readonly regroupedFrom: string[] = [];
  /** why queueing again after a regroup failed, if it did */
  requeueFailure: unknown;
  /** every room joined, the earlier races of a rematch included: `leaveAll` leaves them all */
  readonly #joined = new Set<LobbyRoomHandle | RaceRoomHandle | PrivateRoomHandle>();

  private constructor(baseUrl: string, user: { id: string; name: string }, accessToken: string) {
    this.sdk = new Client(baseUrl.replace(/^http/, "ws"));
    this.sdk.auth.token = accessToken;
    this.id = user.id;
    this.name = user.name;
    this.accessToken = accessToken;
  }

  static async signIn(baseUrl: string, name?: string): Promise<Player> {
    const { user, accessToken } = await signInGuest(baseUrl, name);
    return new Player(baseUrl, user, accessToken);
  }

  /**
   * Matchmaking's half of queueing: a lobby seat held but not yet taken, as a player has whose
   * connection lags behind their matchmaking request. `queue(seat)` takes it.
   */
  async reserveLobbySeat(): Promise<SeatReservation> {
    const response = await this.sdk.http.post(`/matchmake/joinOrCreate/${RoomName.LOBBY}`, { body: {} });
    return response.data as SeatReservation;
  }

  /**
   * Joins (or creates) a lobby, or takes `seat`, and records the `game_start` it will receive. Told
   * to regroup, the player queues again by themselves (`lobby` is then the new one).
   */
  async queue(seat?: SeatReservation, options?: { words?: unknown }): Promise<LobbyRoomHandle> {
    const lobby = (await (seat
      ? this.sdk.consumeSeatReservation(seat)
      : this.sdk.joinOrCreate(RoomName.LOBBY, options))) as unknown as LobbyRoomHandle;
    const ready = initialState(lobby);
    lobby.onMessage(ServerMessage.GAME_START, (message: GameStartMessage) => {
      this.gameStart = message;
    });
    lobby.onMessage(ServerMessage.ERROR, (message: RoomErrorMessage) => this.errors.push(message));
    lobby.onMessage(ServerMessage.RECONNECT, ({ reason }: ReconnectMessage) => {
      if (reason !== "regroup") {
        this.toldToReconnect = true;
        return;
      }
      this.regroupedFrom.push(lobby.roomId);
      lobby.leave().catch(() => {});
      this.queue(undefined, options).catch((error) => {
        this.requeueFailure = error;
      });
    });
    this.lobby = lobby;
    this.#joined.add(lobby);
    return ready;
  }

  /** Creates a private room (as its host) and records the `game_start`s it will send. */
  async createParty(options?: Record<string, unknown>): Promise<PrivateRoomHandle> {
    return this.#party((await this.sdk.create(RoomName.PRIVATE, options)) as unknown as PrivateRoomHandle);
  }

  /** Joins a private room by its code. */
  async joinParty(code: string, options?: Record<string, unknown>): Promise<PrivateRoomHandle> {
    return this.#party((await this.sdk.joinById(code, options)) as unknown as PrivateRoomHandle);
  }

  #party(party: PrivateRoomHandle): Promise<PrivateRoomHandle> {
    const ready = initialState(party);
    party.onMessage(ServerMessage.GAME_START, (message: GameStartMessage) => {
      this.gameStart = message;
    });
    party.onMessage(ServerMessage.ERROR, (message: RoomErrorMessage) => this.errors.push(message));
    this.party = party;
    this.#joined.add(party);
    return ready;
  }

  /** The host's `start` (no payload). */
  start(): void {
    this.party!.send(ClientMessage.START);
  }

  settings(settings: SettingsMessage | unknown): void {
    this.party!.send(ClientMessage.SETTINGS, settings);
  }

  /** Watches a race: the live state, no seat. */
  async spectate(
    gameId: string,
    options: Record<string, unknown> = { spectate: true },
  ): Promise<RaceRoomHandle> {
    return this.#watch((await this.sdk.joinById(gameId, options)) as unknown as RaceRoomHandle);
  }

  /** The code of the last error the server sent, once one more than `before` has come. */
  async nextError(before: number): Promise<string> {
    const error = await eventually(`${this.name}'s error`, () => this.errors[before]);
    return error.code;
  }

  async waitForGameStart(timeoutMs = 5_000): Promise<GameStartMessage> {
    return eventually(`${this.name}'s game_start`, () => this.gameStart, timeoutMs);
  }

  /** Takes the seat the lobby or private room reserved (and forgets it: the next start is another). */
  async enterRace(): Promise<RaceRoomHandle> {
    const start = await this.waitForGameStart();
    this.gameStart = undefined;
    this.finished = undefined;
    this.rating = undefined;
    return this.#watch(
      (await this.sdk.consumeSeatReservation(start.reservation)) as unknown as RaceRoomHandle,
    );
  }

  /** Joins a race by id, as a reloaded page does. */
  async rejoinRace(roomId: string): Promise<RaceRoomHandle> {
    return this.#watch((await this.sdk.joinById(roomId)) as unknown as RaceRoomHandle);
  }

  #watch(race: RaceRoomHandle): Promise<RaceRoomHandle> {
    const ready = initialState(race);
    race.onMessage(ServerMessage.FINISHED, (message: FinishedMessage) => {
      this.finished = message;
    });
    race.onMessage(ServerMessage.RATING, (message: RatingMessage) => {
      this.rating = message;
    });
    race.onMessage(ServerMessage.ERROR, (message: RoomErrorMessage) => this.errors.push(message));
    this.race = race;
    this.#joined.add(race);
    return ready;
  }

  press(key: unknown): void {
    this.race!.send(ClientMessage.KEY, { key } satisfies Partial<Record<keyof KeyMessage, unknown>>);
  }

  /** Sends each character (and " " between words) as its own key message; "\b" is Backspace. */
  type(text: string): void {
    for (const char of text) this.press(char === "\b" ? "Backspace" : char);
  }

  /** Types text key by key, `intervalMs` apart, like a person would. */
  async typeSlowly(text: string, intervalMs: number): Promise<void> {
    for (const char of text) {
      this.press(char === "\b" ? "Backspace" : char);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Types text key by key at a person's uneven rhythm: intervals alternately 40 % shorter and longer
   * than `meanMs` (an even rhythm over many keys is flagged as a bot's, src/game/fairPlay.ts).
   */
  async typeUnevenly(text: string, meanMs: number): Promise<void> {
    let i = 0;
    for (const char of text) {
      this.press(char === "\b" ? "Backspace" : char);
      await new Promise((resolve) => setTimeout(resolve, meanMs * (i++ % 2 === 0 ? 0.6 : 1.4)));
    }
  }

  me() {
    return this.race?.state.players.get(this.id);
  }

  async waitForRacing(): Promise<void> {
    await eventually(`${this.name}'s race to open`, () => this.race?.state.status === "racing", 15_000);
  }

  /** Leaves every room still open: a test's server then stops without waiting for them. */
  async leaveAll(): Promise<void> {
    for (const room of this.#joined) {
      if (room.connection?.isOpen) await room.leave().catch(() => {});
    }
    this.#joined.clear();
  }
}
