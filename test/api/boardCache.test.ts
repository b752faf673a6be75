import assert from "node:assert/strict";
import { BOARD_CACHE_ENTRIES, BoardCache } from "../../src/api/boardCache.ts";

describe("BoardCache (src/api/boardCache.ts)", () => {
  const body = (text: string) => ({ bytes: Buffer.from(text), etag: `"${text}"` });
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it("gives a body back for its time to live, and then no more", () => {
    const boards = new BoardCache(1_000, clock);
    assert.equal(boards.get("daily"), undefined);
    boards.set("daily", body("top 50"));
    now += 999;
    assert.equal(boards.get("daily")?.bytes.toString(), "top 50");
    assert.equal(boards.get("weekly"), undefined, "another key");
    now += 1;
    assert.equal(boards.get("daily"), undefined, "expired");
    assert.equal(boards.get("daily"), undefined, "and gone");
  });

  it("starts a body's time to live again when it is replaced", () => {
    const boards = new BoardCache(1_000, clock);
    boards.set("daily", body("old"));
    now += 600;
    boards.set("daily", body("new"));
    now += 600;
    assert.equal(boards.get("daily")?.bytes.toString(), "new");
  });

  it(`keeps at most ${BOARD_CACHE_ENTRIES} boards, letting the oldest go`, () => {
    const boards = new BoardCache(1_000, clock);
    for (let i = 0; i <= BOARD_CACHE_ENTRIES; i++) boards.set(`board ${i}`, body(String(i)));
    assert.equal(boards.get("board 0"), undefined);
    assert.equal(boards.get("board 1")?.bytes.toString(), "1");
    assert.equal(boards.get(`board ${BOARD_CACHE_ENTRIES}`)?.bytes.toString(), String(BOARD_CACHE_ENTRIES));
  });
});
