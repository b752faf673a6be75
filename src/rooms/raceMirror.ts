/**
 * The race model mirrored into the synced schema state: what the race room's clients see of it. The
 * model decides, the mirror copies: the whole race once at the start, then each racer as they change,
 * so that a patch carries only what moved. A key that only moves its racer copies just their place in
 * the text, the cheapest write per keystroke.
 */
import type { Race, RacerView } from "../game/race/race.ts";
import { RacePlayer, type RaceState } from "./schema/RaceState.ts";

export class RaceMirror {
  readonly #state: RaceState;
  readonly #race: Race;
  /** the ghost's synced player, in a race against one */
  #ghost: RacePlayer | undefined;

  /** The race as it starts: the text, its times, and every racer. */
  constructor(state: RaceState, race: Race) {
    this.#state = state;
    this.#race = race;
    state.gameId = race.gameId;
    state.mode = race.mode;
    state.words.push(...race.words);
    state.startsAt = race.startsAt;
    state.endsAt = race.endsAt;
    for (const racer of race.racers()) {
      const player = new RacePlayer({ id: racer.id, name: racer.name, ghost: racer.ghost });
      copyRacer(player, racer);
      state.players.set(racer.id, player);
      if (racer.ghost) this.#ghost = player;
    }
  }

  /** Everything the synced state shows of racer `id`. */
  racer(id: string): void {
    const racer = this.#race.racer(id);
    const player = this.#state.players.get(id);
    if (racer && player) copyRacer(player, racer);
  }

  /** Racer `id`'s place in the text, after a key that moved only that. */
  position(id: string): void {
    const racer = this.#race.racer(id);
    const player = this.#state.players.get(id);
    if (!racer || !player) return;
    player.wordIndex = racer.wordIndex;
    player.charIndex = racer.charIndex;
  }

  /** The ghost, after the race typed its keys due. */
  ghost(): void {
    if (this.#ghost) this.racer(this.#ghost.id);
  }

  status(): void {
    this.#state.status = this.#race.status;
  }

  spectators(count: number): void {
    this.#state.spectators = count;
  }
}

function copyRacer(player: RacePlayer, racer: RacerView): void {
  player.wordIndex = racer.wordIndex;
  player.charIndex = racer.charIndex;
  player.finished = racer.finished;
  player.rank = racer.rank;
  player.wpm = racer.wpm;
  player.acc = racer.acc;
  player.connected = racer.connected;
}
