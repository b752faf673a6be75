/**
 * Each racer's connection to the race room, from join to leave: one connection per player (a newer
 * tab or a reloaded page takes the place of the older one), a dropped connection awaited for the
 * reconnect grace while the race waits for it (the model says when), and leaving, which is giving
 * up. Each change goes to the model, then to the synced state. Spectators are no racers
 * (src/rooms/raceSpectators.ts).
 */
import { type Client, type Room, ServerError } from "@colyseus/core";
import type { TokenUser } from "../auth/tokens.ts";
import type { Race } from "../game/race/race.ts";
import type { Logger } from "../log.ts";
import { RoomCloseCode } from "../protocol.ts";
import { type KeyGate, newKeyGate } from "./keyGate.ts";
import type { RaceMirror } from "./raceMirror.ts";
import { mayReconnect } from "./services.ts";
import { OneSessionPerUser } from "./sessions.ts";

/** The connection of one racer: who it plays for, and its key gate. */
export interface Seat extends KeyGate {
  userId: string;
}

export type RaceClient = Client<{ auth: TokenUser; userData: Seat }>;

export const notInRoster = () =>
  new ServerError(RoomCloseCode.NOT_IN_ROSTER, "NOT_IN_ROSTER: you are not in this race");

export class RacerConnections {
  readonly #sessions = new OneSessionPerUser();
  readonly #room: Room;
  readonly #race: Race;
  readonly #mirror: RaceMirror;
  readonly #log: Logger;
  readonly #reconnectGraceS: number;

  constructor(room: Room, race: Race, mirror: RaceMirror, log: Logger, reconnectGraceS: number) {
    this.#room = room;
    this.#race = race;
    this.#mirror = mirror;
    this.#log = log;
    this.#reconnectGraceS = reconnectGraceS;
  }

  /** A racer's connection joins, the first or a newer one; anyone else is refused NOT_IN_ROSTER. */
  join(client: RaceClient): void {
    const userId = client.auth!.id;
    if (!this.#race.onRoster(userId)) throw notInRoster();
    const rejoined = this.#sessions.take(this.#room, userId, client);
    client.userData = { userId, ...newKeyGate() };
    this.#race.connect(userId);
    this.#mirror.racer(userId);
    this.#log.info({ userId, rejoined }, "player joined the race");
  }

  /** The seat `client` plays, unless a newer connection of the same player replaced it. */
  seatOf(client: RaceClient): Seat | undefined {
    const seat = client.userData;
    return seat && this.#sessions.represents(seat.userId, client) ? seat : undefined;
  }

  /** The connection dropped: the racer keeps their place, input and statistics while it may come back. */
  async drop(client: RaceClient, code?: number): Promise<void> {
    const seat = this.seatOf(client);
    if (!seat) return;
    const awaited = this.#race.disconnect(seat.userId);
    this.#mirror.racer(seat.userId);
    this.#log.info({ userId: seat.userId, code }, "player dropped");
    if (!awaited || !mayReconnect(code)) return;
    await this.#sessions
      .awaitReconnection(seat.userId, this.#room.allowReconnection(client, this.#reconnectGraceS))
      .catch(() => {});
  }

  reconnect(client: RaceClient): void {
    const seat = this.seatOf(client);
    if (!seat) return;
    this.#race.connect(seat.userId);
    this.#mirror.racer(seat.userId);
    this.#log.info({ userId: seat.userId }, "player reconnected");
  }

  /** The racer's connection is gone for good: leaving a race still on is giving up. Whether it was one. */
  leave(client: RaceClient): boolean {
    const seat = this.seatOf(client);
    if (!seat) return false;
    this.#sessions.release(seat.userId);
    this.#race.leave(seat.userId);
    this.#mirror.racer(seat.userId);
    return true;
  }

  /** A message to a player, if they are still connected to the race. */
  tell(userId: string, type: string, message: unknown): void {
    const sessionId = this.#sessions.sessionOf(userId);
    if (sessionId) this.#room.clients.get(sessionId)?.send(type, message);
  }
}
