/**
 * The private room the player is in, kept while they move between its screen and its races: the
 * room screen shows it, a race of it offers "Race again" through it. Its `game_start` takes the
 * player's seat and shows the race, whatever screen is up; its errors are said on the notice line.
 */
import {
  ClientMessage,
  type GameStartMessage,
  type PrivateStateShape,
  type RoomErrorMessage,
  ServerMessage,
  type SettingsMessage,
} from "../../src/protocol.ts";
import type { PartyRoom, Rooms } from "./rooms.ts";

export interface PartyEvents {
  /** A race of the room started: the player has their seat in it. */
  raceStarted(gameId: string): void;
  /** The server refused something the player asked the room (an `error`). */
  refused(error: RoomErrorMessage): void;
  /** The seat in the room's race could not be taken. */
  failed(error: unknown): void;
  /** The room's connection closed for good (left, refused, or reconnection gave up). */
  closed(code: number, reason: string | undefined): void;
  dropped(): void;
  reconnected(): void;
}

export class Party {
  readonly #rooms: Rooms;
  readonly #events: PartyEvents;
  #room: PartyRoom | undefined;
  readonly #listeners = new Set<(state: PrivateStateShape) => void>();

  constructor(rooms: Rooms, events: PartyEvents) {
    this.#rooms = rooms;
    this.#events = events;
  }

  /** The room the player is in, while its connection is open. */
  get room(): PartyRoom | undefined {
    return this.#room?.connection?.isOpen ? this.#room : undefined;
  }

  /** Whether the player hosts the room (starts its races, sets its settings). */
  isHost(userId: string | undefined): boolean {
    return userId !== undefined && this.room?.state?.hostId === userId;
  }

  /** A new room, hosted by the player. */
  async create(settings: { words?: number }): Promise<PartyRoom> {
    this.leave();
    return this.#adopt(await this.#rooms.createParty(settings));
  }

  /** The room of this code: the one the player is in already, or joined now. */
  async join(code: string): Promise<PartyRoom> {
    if (this.room?.roomId === code) return this.room;
    this.leave();
    return this.#adopt(await this.#rooms.joinParty(code));
  }

  start(): void {
    this.room?.send(ClientMessage.START);
  }

  settings(settings: SettingsMessage): void {
    this.room?.send(ClientMessage.SETTINGS, settings);
  }

  /** Leaves the room for good. */
  leave(): void {
    const room = this.#room;
    this.#room = undefined;
    if (room?.connection?.isOpen) room.leave().catch(() => {});
  }

  /** The room's state, once its first state has arrived (until then it has nothing in it). */
  get state(): PrivateStateShape | undefined {
    const state = this.room?.state;
    return state?.players ? state : undefined;
  }

  /** Calls `listener` at every change of the room's state; returns the way to stop. */
  watch(listener: (state: PrivateStateShape) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #adopt(room: PartyRoom): PartyRoom {
    this.#room = room;
    room.onStateChange((state) => {
      for (const listener of this.#listeners) listener(state);
    });
    room.onMessage(ServerMessage.GAME_START, async (start: GameStartMessage) => {
      try {
        await this.#rooms.takeSeat(start);
        this.#events.raceStarted(start.gameId);
      } catch (error) {
        this.#events.failed(error);
      }
    });
    room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => this.#events.refused(error));
    room.onDrop(() => this.#events.dropped());
    room.onReconnect(() => this.#events.reconnected());
    room.onLeave((code, reason) => {
      if (this.#room !== room) return;
      this.#room = undefined;
      this.#events.closed(code, reason);
    });
    return room;
  }
}
