import assert from "node:assert/strict";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import {
  decodeKeystrokeLog,
  KEYSTROKE_LOG_FORMAT_VERSION,
  KeystrokeLog,
  type LoggedKey,
} from "../../src/game/keystrokeLog.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";

const MAX_TIME = 2 ** 32 - 1;

function logOf(entries: ReadonlyArray<readonly [Key, number]>): KeystrokeLog {
  const log = new KeystrokeLog();
  for (const [key, at] of entries) log.record(key, at);
  return log;
}

const KEY_POOL: Key[] = [
  "a",
  "z",
  "Q",
  "7",
  "~",
  " ",
  BACKSPACE,
  "é",
  "ß",
  "ж",
  "中",
  "€",
  "\u0301",
  "\ufffd",
];

function randomLog(random: () => number, count: number): LoggedKey[] {
  const entries: LoggedKey[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const roll = random();
    // Mostly typing-speed gaps, sometimes none, sometimes long pauses that need 3 to 5 varint bytes.
    const gap =
      roll < 0.1
        ? 0
        : roll < 0.9
          ? Math.floor(random() * 400)
          : Math.floor(random() * 2 ** (14 + random() * 14));
    at = Math.min(at + gap, MAX_TIME);
    entries.push({ key: KEY_POOL[Math.floor(random() * KEY_POOL.length)]!, at });
  }
  return entries;
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

describe("keystrokeLog", () => {
  it("is format version 1", () => {
    assert.equal(KEYSTROKE_LOG_FORMAT_VERSION, 1);
  });

  it("starts empty", () => {
    const log = new KeystrokeLog();
    assert.equal(log.length, 0);
    assert.deepEqual(log.encode(), new Uint8Array(0));
    assert.deepEqual(log.times(), new Uint32Array(0));
    assert.deepEqual(decodeKeystrokeLog(new Uint8Array(0)), []);
  });

  describe("encodes", () => {
    const cases: Array<[string, Array<[Key, number]>, Uint8Array]> = [
      ["an ASCII key at the start", [["a", 0]], bytes(0x00, 0x61)],
      ["the space", [[" ", 5]], bytes(0x05, 0x20)],
      ["Backspace as 0x08", [[BACKSPACE, 1]], bytes(0x01, 0x08)],
      ["the largest 1-byte delta", [["a", 127]], bytes(0x7f, 0x61)],
      ["the smallest 2-byte delta", [["a", 128]], bytes(0x80, 0x01, 0x61)],
      ["a 2-byte delta", [[BACKSPACE, 300]], bytes(0xac, 0x02, 0x08)],
      ["the largest 3-byte delta", [["a", 2 ** 21 - 1]], bytes(0xff, 0xff, 0x7f, 0x61)],
      ["the smallest 4-byte delta", [["a", 2 ** 21]], bytes(0x80, 0x80, 0x80, 0x01, 0x61)],
      ["the largest time", [["a", MAX_TIME]], bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 0x61)],
      ["é in 2 bytes", [["é", 0]], bytes(0x00, 0xc3, 0xa9)],
      ["ß in 2 bytes", [["ß", 0]], bytes(0x00, 0xc3, 0x9f)],
      ["ж in 2 bytes", [["ж", 0]], bytes(0x00, 0xd0, 0xb6)],
      ["中 in 3 bytes", [["中", 0]], bytes(0x00, 0xe4, 0xb8, 0xad)],
      ["€ in 3 bytes", [["€", 0]], bytes(0x00, 0xe2, 0x82, 0xac)],
      [
        "deltas since the previous key",
        [
          ["a", 10],
          ["b", 15],
          ["c", 15],
          [BACKSPACE, 200],
        ],
        bytes(0x0a, 0x61, 0x05, 0x62, 0x00, 0x63, 0xb9, 0x01, 0x08),
      ],
    ];
    for (const [name, entries, expected] of cases) {
      it(name, () => {
        const log = logOf(entries);
        assert.deepEqual(log.encode(), expected);
        assert.equal(log.length, entries.length);
        assert.deepEqual(
          decodeKeystrokeLog(expected),
          entries.map(([key, at]) => ({ key, at })),
        );
      });
    }

    it("its characters as UTF-8, the same as TextEncoder", () => {
      for (const key of ["a", "~", "é", "ß", "ж", "中", "€", "\u0301", "\ufffd"]) {
        assert.deepEqual(
          logOf([[key, 0]])
            .encode()
            .subarray(1),
          new TextEncoder().encode(key),
          key,
        );
      }
    });
  });

  describe("normalises times", () => {
    const cases: Array<[string, number[], number[]]> = [
      ["a negative time to 0", [-5], [0]],
      ["negative infinity to 0", [Number.NEGATIVE_INFINITY], [0]],
      ["NaN to 0", [Number.NaN], [0]],
      ["a fraction below .5 down", [1.4], [1]],
      ["a fraction of .5 up", [1.5], [2]],
      ["a time before the previous one to the previous one", [100, 40, 120], [100, 100, 120]],
      ["NaN after a key to the previous time", [100, Number.NaN], [100, 100]],
      ["a time past 2^32 - 1 ms to 2^32 - 1", [2 ** 33], [MAX_TIME]],
      ["infinity to 2^32 - 1", [Number.POSITIVE_INFINITY], [MAX_TIME]],
    ];
    for (const [name, given, stored] of cases) {
      it(name, () => {
        const log = logOf(given.map((at) => ["a", at] as const));
        assert.deepEqual([...log.times()], stored);
        assert.deepEqual(
          decodeKeystrokeLog(log.encode()).map((entry) => entry.at),
          stored,
        );
      });
    }
  });

  describe("round-trips", () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      it(`a random log (seed ${seed})`, () => {
        const random = seededRandom(seed);
        const entries = randomLog(random, 1 + Math.floor(random() * 3000));
        const log = logOf(entries.map(({ key, at }) => [key, at] as const));
        assert.equal(log.length, entries.length);
        assert.deepEqual(decodeKeystrokeLog(log.encode()), entries);
        assert.deepEqual(
          [...log.times()],
          entries.map((entry) => entry.at),
        );
      });
    }

    it("a log that grows far past its initial capacity", () => {
      // 3-byte keys and 3-byte deltas: 6 bytes an entry but the first (its delta is 0, 1 byte).
      const entries: LoggedKey[] = [];
      for (let i = 0; i < 20_000; i++) entries.push({ key: i % 2 === 0 ? "中" : "€", at: i * 200_000 });
      const log = logOf(entries.map(({ key, at }) => [key, at] as const));
      assert.equal(log.length, 20_000);
      assert.equal(log.encode().length, 4 + 19_999 * 6);
      assert.deepEqual(decodeKeystrokeLog(log.encode()), entries);
      assert.deepEqual(
        [...log.times()],
        entries.map((entry) => entry.at),
      );
    });
  });

  it("encode returns a copy", () => {
    const log = logOf([["a", 1]]);
    const first = log.encode();
    first[1] = 0x62;
    assert.deepEqual(log.encode(), bytes(0x01, 0x61));
  });

  it("times() keeps showing what was recorded when it was taken", () => {
    const log = logOf([
      ["a", 1],
      ["b", 2],
    ]);
    const times = log.times();
    for (let i = 0; i < 1000; i++) log.record("c", 3 + i);
    assert.deepEqual([...times], [1, 2]);
    assert.equal(log.times().length, 1002);
  });

  describe("decode rejects a malformed log", () => {
    const cases: Array<[string, Uint8Array]> = [
      ["a time cut off", bytes(0x80)],
      ["a time with no key", bytes(0x05)],
      ["a second entry with no key", bytes(0x00, 0x61, 0x05)],
      ["a time longer than 5 bytes", bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x61)],
      ["a time past 2^32 - 1 in one delta", bytes(0xff, 0xff, 0xff, 0xff, 0x1f, 0x61)],
      ["times adding up past 2^32 - 1", bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 0x61, 0x01, 0x61)],
      ["a continuation byte where a key starts", bytes(0x00, 0x80)],
      ["a byte that is never UTF-8", bytes(0x00, 0xff)],
      ["a 4-byte character (outside the BMP: never a key)", bytes(0x00, 0xf0, 0x9f, 0x98, 0x80)],
      ["a 2-byte character cut off", bytes(0x00, 0xc3)],
      ["a 3-byte character cut off", bytes(0x00, 0xe4, 0xb8)],
      ["a bad continuation byte", bytes(0x00, 0xc3, 0x41)],
      ["an overlong 2-byte character", bytes(0x00, 0xc1, 0xa1)],
      ["an overlong 3-byte character", bytes(0x00, 0xe0, 0x81, 0xa1)],
      ["a surrogate", bytes(0x00, 0xed, 0xa0, 0x80)],
      ["a newline", bytes(0x00, 0x0a)],
      ["a NUL", bytes(0x00, 0x00)],
      ["a no-break space", bytes(0x00, 0xc2, 0xa0)],
    ];
    for (const [name, malformed] of cases) {
      it(name, () => {
        assert.throws(() => decodeKeystrokeLog(malformed), {
          name: "Error",
          message: /^Malformed keystroke log: .+ \(entry at byte \d+\)$/,
        });
      });
    }

    it("names the offending entry", () => {
      assert.throws(() => decodeKeystrokeLog(bytes(0x00, 0x61, 0x01, 0x62, 0x02, 0x0a)), {
        message: "Malformed keystroke log: not a valid key (entry at byte 4)",
      });
    });
  });
});
