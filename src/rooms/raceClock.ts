/**
 * The race's clock: the race room ticks the model at the moments it has something to decide (typing
 * opens, no-shows, the time limit) and, in a race against a ghost, at each of the ghost's keys, so
 * that its players see the ghost move key by key. After each tick, `ticked` carries out what the
 * model decided. The model reads no clock: here is where the time comes from.
 */
import type { Clock, Delayed } from "@colyseus/core";
import type { Race } from "../game/race/race.ts";

export class RaceClock {
  readonly #clock: Clock;
  readonly #race: Race;
  readonly #ticked: () => void;
  /** the tick at the ghost's next key */
  #ghostTick: Delayed | undefined;

  constructor(clock: Clock, race: Race, ticked: () => void) {
    this.#clock = clock;
    this.#race = race;
    this.#ticked = ticked;
  }

  start(): void {
    for (const at of this.#race.deadlines()) {
      this.#clock.setTimeout(() => this.#tick(), Math.max(0, at - Date.now()));
    }
    this.#tickAtGhostKey();
  }

  #tick() {
    this.#race.tick(Date.now());
    this.#ticked();
    this.#tickAtGhostKey();
  }

  /** The next tick at the ghost's next key, if it has one (the one set before may be early: no harm). */
  #tickAtGhostKey() {
    const at = this.#race.nextGhostKeyAt();
    if (at === undefined || this.#ghostTick) return;
    this.#ghostTick = this.#clock.setTimeout(
      () => {
        this.#ghostTick = undefined;
        this.#tick();
      },
      Math.max(0, at - Date.now()),
    );
  }
}
