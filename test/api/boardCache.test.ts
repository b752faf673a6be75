import assert from "node:assert/strict";
import { BOARD_CACHE_ENTRIES, BoardCache } from "../../src/api/boardCache.ts";

describe("BoardCache (src/api/boardCache.ts)", () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it("gives a board back for its time to live, and then no more", () => {
    const boards = new BoardCache<string>(1_000, clock);
    assert.equal(boards.get("daily"), undefined);
    assert.equal(boards.set("daily", "top 50"), "top 50", "set gives the board back");
    now += 999;
    assert.equal(boards.get("daily"), "top 50");
    assert.equal(boards.get("weekly"), undefined, "another key");
    now += 1;
    assert.equal(boards.get("daily"), undefined, "expired");
    assert.equal(boards.get("daily"), undefined, "and gone");
  });

  it("starts a board's time to live again when it is replaced", () => {
    const boards = new BoardCache<string>(1_000, clock);
    boards.set("daily", "old");
    now += 600;
    boards.set("daily", "new");
    now += 600;
    assert.equal(boards.get("daily"), "new");
  });

  it(`keeps at most ${BOARD_CACHE_ENTRIES} boards, letting the oldest go`, () => {
    const boards = new BoardCache<string>(1_000, clock);
    for (let i = 0; i <= BOARD_CACHE_ENTRIES; i++) boards.set(`board ${i}`, String(i));
    assert.equal(boards.get("board 0"), undefined);
    assert.equal(boards.get("board 1"), "1");
    assert.equal(boards.get(`board ${BOARD_CACHE_ENTRIES}`), String(BOARD_CACHE_ENTRIES));
  });
});
