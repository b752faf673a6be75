/** Seeded generators of hostile input, so that a failing fuzz run can be replayed exactly. */

export type Random = () => number;

export { seededRandom } from "../../src/game/seededRandom.ts";

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
export const between = (random: Random, min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));

const SPICY_STRINGS = [
  "",
  " ",
  "a",
  "Backspace",
  "backspace",
  "BACKSPACE",
  "😀",
  "👨‍👩‍👧",
  "\u0000",
  "\n",
  "\t",
  "\u200b",
  "\ud800",
  "é",
  "ab",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "toString",
  "%s%s%n",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "\u202e",
];

export function randomString(random: Random, maxLength = 64): string {
  const roll = random();
  if (roll < 0.4) return pick(random, SPICY_STRINGS);
  if (roll < 0.5) return "x".repeat(between(random, 100, maxLength * 20));
  let text = "";
  const length = between(random, 0, maxLength);
  for (let i = 0; i < length; i++)
    text += String.fromCharCode(between(random, 0, random() < 0.8 ? 0x7f : 0xffff));
  return text;
}

/** Any value msgpack can carry, nested up to `depth`, with oddities (deep nesting, huge arrays). */
export function randomValue(random: Random, depth = 0): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.3) {
    return pick(random, [
      () => randomString(random),
      () => between(random, -1e9, 1e9),
      () => random() * 1e300,
      () => Number.NaN,
      () => -0,
      () => null,
      () => undefined,
      () => random() < 0.5,
      () => Uint8Array.from({ length: between(random, 0, 64) }, () => between(random, 0, 255)),
    ])();
  }
  if (roll < 0.45) return Array.from({ length: between(random, 0, 8) }, () => randomValue(random, depth + 1));
  if (roll < 0.5) return deepNesting(between(random, 50, 1500));
  if (roll < 0.55) return Array.from({ length: between(random, 100, 400) }, () => 0);
  const object: Record<string, unknown> = {};
  const keys = between(random, 0, 6);
  for (let i = 0; i < keys; i++)
    object[random() < 0.3 ? "key" : randomString(random, 12)] = randomValue(random, depth + 1);
  return object;
}

function deepNesting(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

export function randomBytes(random: Random, maxLength: number): Uint8Array {
  return Uint8Array.from({ length: between(random, 0, maxLength) }, () => between(random, 0, 255));
}
