/**
 * Seats reserved by matchmaking and not yet taken. Upstream: Colyseus 0.18 has no public view of
 * them; its private `Room#_reservedSeats` maps a session id to [options, auth data, consumed,
 * reconnection]. test/colyseus/seats.test.ts fails if that changes.
 */
import type { Room } from "@colyseus/core";

export interface ReservedSeat {
  /** what the room type's onAuth (or the reserving code) gave as the seat's auth data */
  auth: unknown;
  /** the seat keeps a dropped client's place: its reconnection token is the secret */
  reconnection: boolean;
}

type Seats = Record<string, [unknown, unknown, boolean, boolean]>;
const seatsOf = (room: Room) => (room as unknown as { _reservedSeats: Seats })._reservedSeats;

/** The seat reserved for `sessionId` in `room` and not yet taken. */
export function reservedSeat(room: Room, sessionId: string): ReservedSeat | undefined {
  const seat = seatsOf(room)[sessionId];
  if (!seat || seat[2]) return undefined;
  return { auth: seat[1], reconnection: seat[3] };
}

/** Seats reserved for new players (not kept for a dropped one) whose WebSocket has not joined. */
export function seatsBeingTaken(room: Room): number {
  return Object.values(seatsOf(room)).filter(([, , , reconnection]) => !reconnection).length;
}
