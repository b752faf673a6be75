import assert from "node:assert/strict";
import { BOARD_CACHE_ENTRIES, BOARD_CACHE_MS, boardCache } from "../../src/api/boardCache.ts";

describe("the leaderboard tops' cache (src/api/boardCache.ts)", () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it(`gives a board back for ${BOARD_CACHE_MS} ms, and then no more`, () => {
    const boards = boardCache<string>(clock);
    assert.equal(boards.get("daily"), undefined);
    boards.set("daily", "top 50");
    now += BOARD_CACHE_MS;
    assert.equal(boards.get("daily"), "top 50");
    assert.equal(boards.get("weekly"), undefined, "another key");
    now += 1;
    assert.equal(boards.get("daily"), undefined, "expired");
    assert.equal(boards.get("daily"), undefined, "and gone");
  });

  it("starts a board's time to live again when it is replaced", () => {
    const boards = boardCache<string>(clock);
    boards.set("daily", "old");
    now += 600;
    boards.set("daily", "new");
    now += 600;
    assert.equal(boards.get("daily"), "new");
  });

  it(`keeps at most ${BOARD_CACHE_ENTRIES} boards, letting the least recently used go`, () => {
    const boards = boardCache<string>(clock);
    for (let i = 0; i < BOARD_CACHE_ENTRIES; i++) boards.set(`board ${i}`, String(i));
    assert.equal(boards.get("board 0"), "0");
    boards.set("one more", "new");
    assert.equal(boards.get("board 1"), undefined);
    assert.equal(boards.get("board 0"), "0", "read since");
    assert.equal(boards.get("one more"), "new");
  });
});
