/**
 * What a display name may be: 1 to 24 characters once trimmed, printable, at least one of them one a
 * reader can see, and no character buried under more than `MAX_MARKS_PER_CHARACTER` combining marks.
 * A name of fillers (U+3164 and its kin look like letters to Unicode but show nothing) or of marks
 * stacked into a smear ("Zalgo") is nobody's name on a leaderboard.
 */
const MAX_NAME_LENGTH = 24;
const MAX_MARKS_PER_CHARACTER = 2;

/** Letters that show nothing: the Hangul fillers, and the blank braille pattern. */
const INVISIBLE = /[\u115F\u1160\u3164\uFFA0\u2800]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
const STACKED_MARKS = new RegExp(`\\p{M}{${MAX_MARKS_PER_CHARACTER + 1},}`, "u");

/** Why `name` (already trimmed) is no display name, or undefined when it is one. */
export function displayNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if ([...name].length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (/\p{C}/u.test(name)) return "must contain printable characters only";
  if (STACKED_MARKS.test(name))
    return `must not stack more than ${MAX_MARKS_PER_CHARACTER} marks on a character`;
  if (!VISIBLE.test(name.replace(INVISIBLE, ""))) return "must contain a visible letter, digit or symbol";
  return undefined;
}

/**
 * A name from elsewhere (a sign-in provider) made a display name: control characters and invisible
 * fillers dropped, spaces collapsed, stacked marks cut to the limit, at most 24 characters;
 * undefined if nothing is left.
 */
export function displayNameFrom(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const cleaned = raw
    .replace(/\p{C}/gu, "")
    .replace(INVISIBLE, "")
    .replace(/\p{M}+/gu, (marks) => [...marks].slice(0, MAX_MARKS_PER_CHARACTER).join(""))
    .replace(/\s+/gu, " ")
    .trim();
  const name = [...cleaned].slice(0, MAX_NAME_LENGTH).join("").trim();
  return name && displayNameProblem(name) === undefined ? name : undefined;
}
