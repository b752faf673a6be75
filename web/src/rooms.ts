/**
 * The game rooms from the page, through @colyseus/sdk: queueing into a lobby of a race length,
 * making or joining a private room by its code, taking the seat a lobby or private room reserved in
 * its race, rejoining a race after a reload, watching one. Every join carries a fresh access
 * token; a join refused for the token is retried once after a refresh. Failures come out as
 * `JoinFailure`s saying, in plain words, what the player can do about them.
 */
import { Client, MatchMakeError, type Room } from "@colyseus/sdk";
import {
  ApiErrorCode,
  type GameStartMessage,
  joinRefusalCode,
  type LobbyStateShape,
  type PrivateStateShape,
  type RaceStateShape,
  RoomCloseCode,
  RoomName,
} from "../../src/protocol.ts";
import { serverIsUp } from "./api.ts";
import type { Sessions } from "./session.ts";
import { closeText } from "./words.ts";

export type LobbyRoom = Room<unknown, LobbyStateShape>;
export type RaceRoom = Room<unknown, RaceStateShape>;
export type PartyRoom = Room<unknown, PrivateStateShape>;

export class JoinFailure extends Error {
  override name = "JoinFailure";
  /**
   * `unreachable`: the server cannot be reached; `session`: nobody is signed in, or the token was
   * refused; `refused`: the server said no (see the message); `gone`: no such room any more;
   * `restarting`: the server is shutting down or cannot match players just now: ask again shortly.
   */
  readonly kind: "unreachable" | "session" | "refused" | "gone" | "restarting";

  constructor(kind: JoinFailure["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

export class Rooms {
  readonly #sdk = new Client(location.origin.replace(/^http/, "ws"));
  readonly #sessions: Sessions;
  /** The race the lobby just seated the player in, waiting for the race screen to take it. */
  #handoff: { gameId: string; room: RaceRoom } | undefined;

  constructor(sessions: Sessions) {
    this.#sessions = sessions;
  }

  /** The lobby the player was in before a reload when it is still open, else any open lobby of `words`. */
  async joinLobby(words: number | undefined, lobbyId?: string): Promise<LobbyRoom> {
    if (lobbyId) {
      try {
        return tuned(await this.#join(() => this.#sdk.joinById<LobbyStateShape>(lobbyId)));
      } catch (error) {
        if (!(error instanceof JoinFailure) || error.kind !== "gone") throw error;
      }
    }
    return tuned(
      await this.#join(() =>
        this.#sdk.joinOrCreate<LobbyStateShape>(RoomName.LOBBY, words === undefined ? {} : { words }),
      ),
    );
  }

  /** A new private room, its host the player. */
  async createParty(settings: { words?: number }): Promise<PartyRoom> {
    return tuned(await this.#join(() => this.#sdk.create<PrivateStateShape>(RoomName.PRIVATE, settings)));
  }

  /** The private room of this invite code. */
  async joinParty(code: string): Promise<PartyRoom> {
    return tuned(await this.#join(() => this.#sdk.joinById<PrivateStateShape>(code)));
  }

  /** Watches a race: its state, live, without a place in it. */
  async spectate(gameId: string): Promise<RaceRoom> {
    return tuned(await this.#join(() => this.#sdk.joinById<RaceStateShape>(gameId, { spectate: true })));
  }

  /** Takes the seat a lobby's `game_start` reserved; the race screen picks the room up. */
  async takeSeat(start: GameStartMessage): Promise<RaceRoom> {
    const reservation = start.reservation as Parameters<Client["consumeSeatReservation"]>[0];
    const room = tuned(await this.#join(() => this.#sdk.consumeSeatReservation<RaceStateShape>(reservation)));
    this.#handoff = { gameId: start.gameId, room };
    return room;
  }

  /** The race room the lobby handed over, if it is for this game (once). */
  takeHandoff(gameId: string): RaceRoom | undefined {
    const handoff = this.#handoff;
    this.#handoff = undefined;
    if (handoff?.gameId === gameId) return handoff.room;
    if (handoff?.room.connection?.isOpen) handoff.room.leave().catch(() => {});
    return undefined;
  }

  /** Back into a race after a reload: the server gives the player their exact place back. */
  async rejoinRace(gameId: string): Promise<RaceRoom> {
    return tuned(await this.#join(() => this.#sdk.joinById<RaceStateShape>(gameId)));
  }

  async #join<T>(join: () => Promise<T>): Promise<T> {
    const token = await this.#sessions.freshToken();
    if (!token) throw new JoinFailure("session", "Please choose a name or sign in first.");
    this.#sdk.auth.token = token;
    try {
      return await join();
    } catch (error) {
      if (codeOf(error) !== RoomCloseCode.UNAUTHORIZED) throw await failure(error);
      const refreshed = await this.#sessions.tokenRefused(token);
      if (!refreshed)
        throw new JoinFailure("session", closeText(RoomCloseCode.UNAUTHORIZED, messageOf(error))!);
      this.#sdk.auth.token = refreshed;
      try {
        return await join();
      } catch (retryError) {
        throw await failure(retryError);
      }
    }
  }
}

/**
 * The server keeps a dropped player's place, so reconnecting is always worth trying, even right
 * after joining (the SDK's default waits 5 s of uptime first).
 */
function tuned<R extends Room>(room: R): R {
  room.reconnection.minUptime = 0;
  return room;
}

/** Matchmaking's 503s: the answer comes with Retry-After, and asking again will do. */
const RESTARTING = [ApiErrorCode.SHUTTING_DOWN, ApiErrorCode.MATCHMAKING_UNAVAILABLE];

/** The refusal's close code, whether the matchmaking request or the WebSocket refused the join. */
const codeOf = (error: unknown) =>
  error instanceof MatchMakeError ? joinRefusalCode(error.code) : undefined;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function failure(error: unknown): Promise<JoinFailure> {
  const code = codeOf(error);
  const message = messageOf(error);
  if (message.startsWith(`${ApiErrorCode.ROOM_NOT_FOUND}:`))
    return new JoinFailure("gone", "That room is closed.");
  if (RESTARTING.some((code) => message.startsWith(`${code}:`)))
    return new JoinFailure("restarting", "The server is restarting.");
  const refusal = code === undefined ? undefined : closeText(code, message);
  if (refusal) return new JoinFailure(code === RoomCloseCode.UNAUTHORIZED ? "session" : "refused", refusal);
  if (!(await serverIsUp())) return new JoinFailure("unreachable", "The server cannot be reached.");
  return new JoinFailure("refused", `The server could not seat you: ${message}`);
}
