import assert from "node:assert/strict";
import { BOARD_CACHE_ENTRIES, BOARD_CACHE_MS, boardCache } from "../../src/api/boardCache.ts";

describe("the leaderboard tops' cache (src/api/boardCache.ts)", () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  /** A cache whose reads answer "<key> read <n>" for what they were asked, each counted. */
  function counted(release?: Promise<void>) {
    const reads: Array<[string, string]> = [];
    const boards = boardCache<string, string>(async (key, request) => {
      reads.push([key, request]);
      await release;
      return `${key} read ${reads.length}`;
    }, clock);
    const top = (key: string, forceRefresh = false) =>
      boards.forceFetch(key, { context: `for ${key}`, forceRefresh });
    return { reads, top };
  }

  it(`reads a board once and gives it back for ${BOARD_CACHE_MS} ms, then reads it again`, async () => {
    const { reads, top } = counted();
    assert.equal(await top("daily"), "daily read 1");
    now += BOARD_CACHE_MS;
    assert.equal(await top("daily"), "daily read 1");
    assert.deepEqual(reads, [["daily", "for daily"]]);
    assert.equal(await top("weekly"), "weekly read 2", "another key");
    now += 1;
    assert.equal(await top("daily"), "daily read 3", "expired: read again");
  });

  it("reads a board once for all who ask while it is being read, also when it expired or is refreshed", async () => {
    let open = () => {};
    const { reads, top } = counted(new Promise<void>((resolve) => (open = resolve)));
    const asked = Promise.all([top("daily"), top("daily"), top("daily", true)]);
    open();
    assert.deepEqual(await asked, ["daily read 1", "daily read 1", "daily read 1"]);
    now += BOARD_CACHE_MS + 1;
    assert.deepEqual(await Promise.all([top("daily"), top("daily")]), ["daily read 2", "daily read 2"]);
    assert.equal(reads.length, 2);
  });

  it("reads a board again when asked to refresh it, and keeps that for its time", async () => {
    const { top } = counted();
    await top("daily");
    now += 600;
    assert.equal(await top("daily", true), "daily read 2");
    now += 600;
    assert.equal(await top("daily"), "daily read 2", "its time starts again");
  });

  it(`keeps at most ${BOARD_CACHE_ENTRIES} boards, letting the least recently used go`, async () => {
    const { reads, top } = counted();
    for (let i = 0; i < BOARD_CACHE_ENTRIES; i++) await top(`board ${i}`);
    await top("board 0");
    await top("one more");
    assert.equal(reads.length, BOARD_CACHE_ENTRIES + 1);
    await top("board 0");
    assert.equal(reads.length, BOARD_CACHE_ENTRIES + 1, "read since: kept");
    await top("board 1");
    assert.equal(reads.length, BOARD_CACHE_ENTRIES + 2, "the least recently used went");
  });
});
