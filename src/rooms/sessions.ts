import type { Client, Room } from "@colyseus/core";
import { RoomCloseCode } from "../protocol.ts";

/** What `Room.allowReconnection` answers: a promise the room may also give up on. */
type Reconnection = ReturnType<Room["allowReconnection"]>;

/**
 * One user, one player: a newer connection of the same user (another tab, a reloaded page) takes
 * the player's place, and the older one is closed with REPLACED. A dropped connection the room is
 * waiting for is given up then too: each wait holds a seat, and a page reloaded a few times would
 * otherwise fill the room until the waits expire, locking the player's next tab out.
 */
export class OneSessionPerUser {
  readonly #sessionOf = new Map<string, string>();
  readonly #awaited = new Map<string, Reconnection>();

  /** Makes `client` its user's connection in `room`; true when it replaced an older one. */
  take(room: Room, userId: string, client: Client): boolean {
    const previous = this.#sessionOf.get(userId);
    this.#sessionOf.set(userId, client.sessionId);
    this.#awaited.get(userId)?.reject(new Error("replaced by a newer connection"));
    this.#awaited.delete(userId);
    if (previous === undefined) return false;
    room.clients.get(previous)?.leave(RoomCloseCode.REPLACED, "replaced by a newer connection");
    return true;
  }

  /** Waits for the user's dropped connection to come back, unless a newer one takes over first. */
  async awaitReconnection(userId: string, reconnection: Reconnection): Promise<void> {
    this.#awaited.set(userId, reconnection);
    try {
      await reconnection;
    } finally {
      if (this.#awaited.get(userId) === reconnection) this.#awaited.delete(userId);
    }
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
