import type { Room } from "@colyseus/sdk";
import type { Racer, Tally } from "../racer.ts";

/** Where a generator's racers connect: one server process (or one of a cluster). */
export interface Endpoint {
  /** http://host:port: sign-in and matchmaking */
  http: string;
  /** ws://host:port */
  ws: string;
}

/** A racer seated in a race, ready to type. */
export interface Seat {
  /** the room as the server names it: racers of one room watch each other */
  roomId: string;
  words: readonly string[];
  /** epoch ms from which the server accepts keys */
  typingOpensAt: number;
  send(key: string): void;
  leave(): Promise<void>;
}

export type Connector = (racer: Racer, endpoint: Endpoint, tally: Tally) => Promise<Seat>;

/** Counts every WebSocket message an SDK room receives (patches and messages alike). */
export function countMessages(room: Pick<Room, "connection">, tally: Tally): void {
  const events = room.connection.events;
  const decode = events.onmessage;
  events.onmessage = (event) => {
    tally.messagesReceived++;
    decode?.(event);
  };
}

/**
 * Feeds a racer the cursors of everyone else in an SDK room, on every decoded patch.
 * The room's state is whatever its schema says; only players' wordIndex and charIndex are read.
 */
export function followOpponents(
  room: {
    onStateChange(
      callback: (state: {
        players: { forEach(cb: (p: { wordIndex: number; charIndex: number }, id: string) => void): void };
      }) => void,
    ): unknown;
  },
  racer: Racer,
): void {
  room.onStateChange((state) => {
    const now = performance.now();
    state.players.forEach((player, id) => {
      if (id !== racer.playerId) racer.seePosition(id, player.wordIndex, player.charIndex, now);
    });
  });
}
