/**
 * How a race room closes once its race is over: the private room the race belongs to, if any, hears
 * it (it opens for the next race); the room stays open for its players to read the results, then
 * closes, or at once when nobody is left. While the process shuts down, the race still runs to its
 * end (its players are mid-race) and the wait after it is shorter.
 */
import { matchMaker, type Room } from "@colyseus/core";
import type { Race } from "../game/race/race.ts";
import type { Logger } from "../log.ts";
import type { PrivateRoom } from "./PrivateRoom.ts";

/** How long a finished race stays open for its players to read the results. */
const RACE_LINGER_MS = 60_000;
/**
 * The same while the process shuts down: long enough for the players' pages to take the final state
 * and read the stored ranking once more (a second after the end), yet a short wait for the exit.
 */
const SHUTDOWN_LINGER_MS = 10_000;

export class RaceClosing {
  readonly #room: Room;
  readonly #race: Race;
  readonly #partyId: string | undefined;
  readonly #log: Logger;
  #shuttingDown = false;

  constructor(room: Room, race: Race, partyId: string | undefined, log: Logger) {
    this.#room = room;
    this.#race = race;
    this.#partyId = partyId;
    this.#log = log;
  }

  /** The race is over. */
  ended(): void {
    if (this.#partyId) {
      matchMaker
        .remoteRoomCall<PrivateRoom>(this.#partyId, "raceEnded", [this.#race.gameId])
        .catch((error) => this.#log.warn({ err: error }, "could not tell the private room the race ended"));
    }
    if (this.#room.clients.length === 0) this.#room.disconnect();
    else this.#closeIn(this.#shuttingDown ? SHUTDOWN_LINGER_MS : RACE_LINGER_MS);
  }

  /** A client left: once the race is over, the last one closes the room. */
  left(): void {
    if (this.#race.status === "finished" && this.#room.clients.length === 0) this.#room.disconnect();
  }

  /** The process is shutting down: a race over closes soon, one still on when it ends. */
  shuttingDown(): void {
    this.#shuttingDown = true;
    if (this.#race.status === "finished") this.#closeIn(SHUTDOWN_LINGER_MS);
  }

  #closeIn(ms: number) {
    this.#room.clock.setTimeout(() => this.#room.disconnect(), ms);
  }
}
