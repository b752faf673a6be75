import assert from "node:assert/strict";
import { displayNameFrom, displayNameProblem } from "../../src/auth/displayNames.ts";

describe("display names", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["a plain name", "Ada", undefined],
    ["letters of any script", "Ñandú 李雷 Ωμέγα", undefined],
    ["an accented letter made of a letter and one mark", "Zoe\u0301", undefined],
    ["digits and symbols only", "404 ★", undefined],
    ["exactly 24 characters", "x".repeat(24), undefined],
    ["empty", "", "must not be empty"],
    ["25 characters", "x".repeat(25), "must be at most 24 characters"],
    ["a control character", "Ada\u0007", "must contain printable characters only"],
    ["a zero-width space", "Ada\u200b", "must contain printable characters only"],
    ["only Hangul fillers (U+3164)", "\u3164\u3164\u3164", "must contain a visible letter, digit or symbol"],
    [
      "only halfwidth fillers and a blank braille pattern",
      "\uffa0\u2800",
      "must contain a visible letter, digit or symbol",
    ],
    ["only combining marks", "\u0301\u0302", "must contain a visible letter, digit or symbol"],
    [
      "Zalgo: marks stacked on letters",
      "Z\u0301\u0302\u0303al\u0304\u0305\u0306go",
      "must not stack more than 2 marks on a character",
    ],
  ];
  for (const [what, name, problem] of cases) {
    it(`${what}: ${problem ?? "a name"}`, () => {
      assert.equal(displayNameProblem(name), problem);
    });
  }

  it("makes a provider's name a display name, or nothing when nothing visible is left", () => {
    assert.equal(displayNameFrom("  Ada\u0007  Lovelace "), "Ada Lovelace");
    assert.equal(displayNameFrom("Z\u0301\u0302\u0303algo"), "Z\u0301\u0302algo");
    assert.equal(displayNameFrom("\u3164\u3164"), undefined);
    assert.equal(displayNameFrom("x".repeat(30)), "x".repeat(24));
    assert.equal(displayNameFrom(42), undefined);
  });
});
