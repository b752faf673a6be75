/**
 * The other players' carets inside the text: a thin bar in each one's colour where they are typing,
 * their name on hover, drawn over the text from the synced positions. A finished player's caret
 * goes; the text box scrolls with its carets.
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

/** Draws the carets of `players` over `textBox` (positioned), whose words are `wordElements`. */
export function drawCarets(
  textBox: HTMLElement,
  layer: HTMLElement,
  wordElements: readonly HTMLElement[],
  players: readonly CaretPosition[],
): void {
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
