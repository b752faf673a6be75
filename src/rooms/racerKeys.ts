/**
 * A racer's key, from the message to the synced state: through their connection's key gate
 * (keyGate.ts), judged by the race, a refusal told in the clients' words, a move mirrored. The hot
 * path, once per keystroke: a key that only moves its racer copies just their place in the text.
 */
import type { Client } from "@colyseus/core";
import type { KeyVerdict, Race } from "../game/race/race.ts";
import type { GameMetrics } from "../metrics.ts";
import { RoomErrorCode } from "../protocol.ts";
import { keyOf } from "./keyGate.ts";
import type { RaceMirror } from "./raceMirror.ts";
import type { Seat } from "./racerConnections.ts";
import { rejectMessage } from "./roomErrors.ts";

/** The race's refusals of a key, in the clients' words. */
const KEY_REFUSALS = {
  NOT_STARTED: "the race has not started yet",
  RACE_OVER: "the race is over",
  ALREADY_FINISHED: "you have already finished this race",
} as const;

export class RacerKeys {
  readonly #race: Race;
  readonly #mirror: RaceMirror;
  readonly #metrics: GameMetrics;

  constructor(race: Race, mirror: RaceMirror, metrics: GameMetrics) {
    this.#race = race;
    this.#mirror = mirror;
    this.#metrics = metrics;
  }

  /** The key `payload` carries for `seat`: what the race made of it; null when the gate refused it. */
  type(seat: Seat, client: Client, payload: unknown): KeyVerdict | null {
    const now = Date.now();
    const key = keyOf(seat, client, payload, now, this.#metrics);
    if (key === null) return null;
    const verdict = this.#race.key(seat.userId, key, now);
    // The ghost's keys due before this one were typed first.
    this.#mirror.ghost();
    if (verdict === "NOT_STARTED" || verdict === "RACE_OVER" || verdict === "ALREADY_FINISHED") {
      rejectMessage(this.#metrics, client, RoomErrorCode[verdict], KEY_REFUSALS[verdict]);
    } else if (verdict !== "ignored" && verdict !== "NOT_A_RACER") {
      this.#metrics.keystroke();
      this.#mirror.position(seat.userId);
    }
    return verdict;
  }
}
