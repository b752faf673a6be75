import assert from "node:assert/strict";
import { BACKSPACE, parseKey, SPACE } from "../../src/game/keys.ts";

describe("keys", () => {
  it("names Backspace and space as the client sends them", () => {
    assert.equal(BACKSPACE, "Backspace");
    assert.equal(SPACE, " ");
  });

  describe("parseKey accepts", () => {
    const accepted: Array<[string, string]> = [
      ["a lowercase letter", "a"],
      ["an uppercase letter", "Z"],
      ["a digit", "0"],
      ["the first visible ASCII character", "!"],
      ["the last visible ASCII character", "~"],
      ["punctuation", ","],
      ["an apostrophe", "'"],
      ["the space", " "],
      ["Backspace", "Backspace"],
      ["a Latin-1 letter", "é"],
      ["German sharp s", "ß"],
      ["a Cyrillic letter", "ж"],
      ["a CJK character", "中"],
      ["a currency sign", "€"],
      ["a symbol in the BMP", "✓"],
      ["a combining mark (printable, never a target character)", "\u0301"],
      ["the last assigned BMP code point before the specials", "\ufffd"],
    ];
    for (const [what, value] of accepted) {
      it(`${what}: ${JSON.stringify(value)}`, () => {
        assert.equal(parseKey(value), value);
      });
    }
  });

  describe("parseKey rejects", () => {
    const rejected: Array<[string, unknown]> = [
      ["undefined", undefined],
      ["null", null],
      ["a number", 97],
      ["a boolean", true],
      ["an object", { key: "a" }],
      ["an array", ["a"]],
      ["a String object", new String("a")],
      ["the empty string", ""],
      ["two characters", "ab"],
      ["two spaces", "  "],
      ["an emoji (a surrogate pair)", "😀"],
      ["a lone high surrogate", "\ud83d"],
      ["a lone low surrogate", "\ude00"],
      ["a newline", "\n"],
      ["a carriage return", "\r"],
      ["a tab", "\t"],
      ["NUL", "\u0000"],
      ["the backspace control character", "\u0008"],
      ["DEL", "\u007f"],
      ["a C1 control", "\u0085"],
      ["a zero-width space", "\u200b"],
      ["a byte order mark", "\ufeff"],
      ["a no-break space", "\u00a0"],
      ["an ideographic space", "\u3000"],
      ["a line separator", "\u2028"],
      ["a paragraph separator", "\u2029"],
      ["a private-use character", "\ue000"],
      ["an unassigned code point", "\u0378"],
      ["a noncharacter", "\uffff"],
      ["backspace in lower case", "backspace"],
      ["BACKSPACE in upper case", "BACKSPACE"],
      ["Backspace with a trailing space", "Backspace "],
      ["Enter", "Enter"],
      ["Shift", "Shift"],
      ["Space spelled out", "Space"],
      ["a very long string", "a".repeat(10_000_000)],
    ];
    for (const [what, value] of rejected) {
      it(what, () => {
        assert.equal(parseKey(value), null);
      });
    }
  });
});
