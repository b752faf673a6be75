/**
 * The keys a player may send during a race. Every key message from a client goes through
 * `parseKey` before it reaches the typing engine, so the engine and the keystroke log can rely on
 * a key being exactly one UTF-16 code unit or `BACKSPACE`.
 */

export const BACKSPACE = "Backspace";
export const SPACE = " ";

/**
 * One key press: a single printable character (exactly one UTF-16 code unit), `SPACE`, or
 * `BACKSPACE`. Only `parseKey` should produce one from client input.
 */
export type Key = string;

// Printable means: not a control, format, surrogate, private-use or unassigned code point (\p{C})
// and not a separator (\p{Z}). Tab, newline and friends are controls, so they are rejected too.
// Combining marks pass: they are printable and simply never match a target character.
const PRINTABLE = /^[^\p{C}\p{Z}]$/u;

/** The key `value` stands for, or null when a client sent anything that is not a key. */
export function parseKey(value: unknown): Key | null {
  if (typeof value !== "string") return null;
  // Checking the length first keeps a hostile multi-megabyte string as cheap as a valid key.
  if (value.length !== 1) return value === BACKSPACE ? value : null;
  const code = value.charCodeAt(0);
  // Visible ASCII is nearly every key of an English race: answer it without the regex.
  if (code > 0x20 && code < 0x7f) return value;
  return value === SPACE || PRINTABLE.test(value) ? value : null;
}
