/**
 * The other players' carets inside the text: a thin bar in each one's colour where they are typing,
 * their name on hover, drawn over the text from the synced positions. A finished player's caret
 * goes; the text box scrolls with its carets.
 *
 * Positions come in patches, a few a second (the race's RACE_PATCH_MS; a crowd of spectators' less
 * often), so a caret would jump by a few characters at each. It glides instead, over the time
 * patches come apart (`CaretPace`): it reaches each position about when the next patch arrives, and
 * moves without stops.
 */
import { h } from "./dom.ts";

/** Colours told apart on the page's light and dark themes alike, one per player in roster order. */
const PLAYER_COLOURS = [
  "#e4572e",
  "#2e86ab",
  "#8e44ad",
  "#17a589",
  "#d4a017",
  "#c0392b",
  "#5d6d7e",
  "#e67e22",
  "#16a085",
  "#af7ac5",
];

export const colourOf = (index: number) => PLAYER_COLOURS[index % PLAYER_COLOURS.length]!;

export interface CaretPosition {
  id: string;
  name: string;
  wordIndex: number;
  charIndex: number;
  finished: boolean;
  colour: string;
}

/** The bounds of a caret's glide: no slower than a patch every 600 ms, no quicker than a frame's worth. */
const GLIDE_MS = { min: 30, max: 600, first: 100 };
/** Patches remembered: the shortest gap among them is the patch interval (longer ones: nobody typed). */
const PACE_PATCHES = 4;

/** How often positions arrive: the time a caret takes to glide to its next one. */
export class CaretPace {
  readonly #gaps: number[] = [];
  #lastAt: number | undefined;

  /** A patch came at `now` (ms, any monotonic clock). */
  patched(now: number): void {
    if (this.#lastAt !== undefined) {
      this.#gaps.push(now - this.#lastAt);
      if (this.#gaps.length > PACE_PATCHES) this.#gaps.shift();
    }
    this.#lastAt = now;
  }

  get glideMs(): number {
    if (this.#gaps.length === 0) return GLIDE_MS.first;
    return Math.min(GLIDE_MS.max, Math.max(GLIDE_MS.min, Math.min(...this.#gaps)));
  }
}

/**
 * Draws the carets of `players` over `textBox` (positioned), whose words are `wordElements`, each
 * gliding to its place over `glideMs`.
 */
export function drawCarets(
  textBox: HTMLElement,
  layer: HTMLElement,
  wordElements: readonly HTMLElement[],
  players: readonly CaretPosition[],
  glideMs: number,
): void {
  layer.style.setProperty("--caret-glide", `${Math.round(glideMs)}ms`);
  const carets = new Map<string, HTMLElement>();
  for (const caret of layer.querySelectorAll<HTMLElement>(".opponent-caret")) {
    carets.set(caret.dataset.player!, caret);
  }
  const drawn = new Set<string>();
  for (const player of players) {
    const word = wordElements[player.wordIndex];
    if (player.finished || !word) continue;
    const chars = word.children;
    const at = chars[Math.min(player.charIndex, chars.length - 1)] as HTMLElement | undefined;
    if (!at) continue;
    // Past the word's last character (extra letters typed, or the space): just after it.
    const after = player.charIndex >= chars.length;
    const left = at.offsetLeft + (after ? at.offsetWidth : 0);
    let caret = carets.get(player.id);
    if (!caret) {
      caret = h("span", { class: "opponent-caret", "data-player": player.id });
      layer.append(caret);
    }
    caret.title = player.name;
    caret.style.setProperty("--player-colour", player.colour);
    caret.style.transform = `translate(${left}px, ${at.offsetTop}px)`;
    caret.style.height = `${at.offsetHeight}px`;
    drawn.add(player.id);
  }
  for (const [id, caret] of carets) if (!drawn.has(id)) caret.remove();
  // The layer scrolls with the text it sits in.
  layer.style.height = `${textBox.scrollHeight}px`;
}
