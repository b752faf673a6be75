import type { Client, Room } from "@colyseus/core";
import { RoomCloseCode } from "../protocol.ts";

/**
 * One user, one player: a newer connection of the same user (another tab, a reloaded page) takes
 * the player's place, and the older one is closed with REPLACED.
 */
export class OneSessionPerUser {
  readonly #sessionOf = new Map<string, string>();

  /** Makes `client` its user's connection in `room`; true when it replaced an older one. */
  take(room: Room, userId: string, client: Client): boolean {
    const previous = this.#sessionOf.get(userId);
    this.#sessionOf.set(userId, client.sessionId);
    if (previous === undefined) return false;
    room.clients.get(previous)?.leave(RoomCloseCode.REPLACED, "replaced by a newer connection");
    return true;
  }

  /** Whether `client` is its user's current connection. */
  represents(userId: string | undefined, client: Client): boolean {
    return userId !== undefined && this.#sessionOf.get(userId) === client.sessionId;
  }

  sessionOf(userId: string): string | undefined {
    return this.#sessionOf.get(userId);
  }

  release(userId: string): void {
    this.#sessionOf.delete(userId);
  }
}
