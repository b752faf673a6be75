import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { ProfileCache } from "../../src/api/profileCache.ts";
import { preparedData, preparedWithJsonLast, preparedWithLast } from "../../src/api/respond.ts";

describe("ProfileCache (src/api/profileCache.ts, on lru-cache)", () => {
  /** a body of exactly `text.length` bytes */
  const body = (text: string) => ({ bytes: Buffer.from(text), etag: `"${text}"` });
  const text = (kept: ProfileCache, key: string, version: string) => kept.get(key, version)?.bytes.toString();

  it("gives back a body only at the version (races played : rated) it was made at", () => {
    const kept = new ProfileCache();
    assert.equal(kept.get("ada:graph:10", "3:0"), undefined);
    kept.set("ada:graph:10", "3:0", body("[3 races]"));
    assert.equal(text(kept, "ada:graph:10", "3:0"), "[3 races]");
    assert.equal(kept.get("ada:graph:10", "4:0"), undefined, "a new result");
    assert.equal(kept.get("ada:graph:100", "3:0"), undefined, "another request");
    kept.set("ada:graph:10", "4:0", body("[4 races]"));
    assert.equal(kept.get("ada:graph:10", "3:0"), undefined, "replaced");
    assert.equal(text(kept, "ada:graph:10", "4:0"), "[4 races]");
    assert.equal(kept.get("ada:graph:10", "4:1"), undefined, "a rating update after the result");
  });

  it("lets the least recently used bodies go past its size, and keeps none larger than it", () => {
    const kept = new ProfileCache(10);
    kept.set("a", "1:0", body("aaaa"));
    kept.set("b", "1:0", body("bbbb"));
    assert.equal(text(kept, "a", "1:0"), "aaaa", "a is now the most recently used");
    kept.set("c", "1:0", body("cccc"));
    assert.deepEqual(
      ["a", "b", "c"].map((key) => text(kept, key, "1:0")),
      ["aaaa", undefined, "cccc"],
    );
    kept.set("d", "1:0", body("d".repeat(11)));
    assert.equal(kept.get("d", "1:0"), undefined);
    assert.equal(text(kept, "a", "1:0"), "aaaa", "a body too large evicts nothing");
  });

  it("counts a replaced body once, and bytes rather than characters", () => {
    const kept = new ProfileCache(8);
    kept.set("a", "1:0", body("aaaa"));
    for (let races = 2; races < 10; races++) kept.set("a", `${races}:0`, body("aaaa"));
    kept.set("b", "1:0", body("bbbb"));
    assert.deepEqual([text(kept, "a", "9:0"), text(kept, "b", "1:0")], ["aaaa", "bbbb"]);
    kept.set("c", "1:0", body("é"));
    assert.equal(kept.get("a", "9:0"), undefined, "é is 2 bytes: 10 in all, a goes");
  });

  it("counts a body kept gzipped as both its representations", () => {
    const kept = new ProfileCache(10);
    kept.set("a", "1:0", { ...body("aaaa"), gzip: { bytes: Buffer.from("zz"), etag: '"aaaa.gz"' } });
    kept.set("b", "1:0", body("bbbb"));
    assert.deepEqual([text(kept, "a", "1:0"), text(kept, "b", "1:0")], ["aaaa", "bbbb"], "6 + 4 bytes");
    kept.set("c", "1:0", body("c"));
    assert.equal(kept.get("a", "1:0"), undefined, "11 bytes: a, the least recently used, goes");
  });
});

describe("prepared bodies (src/api/respond.ts)", () => {
  it("holds the envelope sendData sends, and an ETag that changes with it", () => {
    const one = preparedData([{ wpm: 80 }]);
    assert.deepEqual(JSON.parse(one.bytes.toString()), { ok: true, data: [{ wpm: 80 }] });
    assert.equal(preparedData([{ wpm: 80 }]).etag, one.etag);
    assert.notEqual(preparedData([{ wpm: 81 }]).etag, one.etag);
    assert.match(one.etag, /^"[\w-]+"$/);
  });

  it("with its last field added per answer (preparedWithLast): the same JSON, an ETag that changes with that field", async () => {
    type Board = { period: string; entries: number[]; me: { rank: number } | null };
    const withMe = await preparedWithLast<Board, "me">({ period: "daily", entries: [1, 2] }, "me");
    const whole = (me: Board["me"]) => preparedData<Board>({ period: "daily", entries: [1, 2], me });
    for (const me of [null, { rank: 7 }])
      assert.equal(withMe(me).bytes.toString(), whole(me).bytes.toString());
    assert.equal(withMe({ rank: 7 }).etag, withMe({ rank: 7 }).etag);
    assert.notEqual(withMe({ rank: 8 }).etag, withMe({ rank: 7 }).etag);
    assert.notEqual(withMe(null).etag, withMe({ rank: 7 }).etag);
    const empty = await preparedWithLast<{ me: number }, "me">({}, "me");
    assert.deepEqual(JSON.parse(empty(3).bytes.toString()), { ok: true, data: { me: 3 } });
    assert.match(withMe(null).etag, /^"[\w-]+"$/);
    assert.equal(withMe(null).gzip, undefined, "too small to gain");
  });

  it("with its last field given as JSON text (preparedWithJsonLast): the same bytes and ETag as the whole", () => {
    type Page = { total: number; hasNext: boolean; data: Array<{ wpm: number; rank: number | null }> };
    const data = [
      { wpm: 56.13, rank: null },
      { wpm: 92, rank: 1 },
    ];
    const whole = preparedData<Page>({ total: 2, hasNext: false, data });
    const given = preparedWithJsonLast<Page, "data">(
      { total: 2, hasNext: false },
      "data",
      JSON.stringify(data),
    );
    assert.equal(given.bytes.toString(), whole.bytes.toString());
    assert.equal(given.etag, whole.etag);
    const alone = preparedWithJsonLast<{ data: number[] }, "data">({}, "data", "[]");
    assert.deepEqual(JSON.parse(alone.bytes.toString()), { ok: true, data: { data: [] } });
  });

  it("gzipped once large enough, per answer without compressing it again: the same JSON, its own ETag", async () => {
    type Board = { entries: string[]; me: { name: string } | null };
    const entries = Array.from({ length: 200 }, (_, i) => `player ${i}`);
    const withMe = await preparedWithLast<Board, "me">({ entries }, "me");
    // A place as long as several stored blocks, too.
    for (const me of [null, { name: "Ada" }, { name: "x".repeat(150_000) }]) {
      const answer = withMe(me);
      const gzip = answer.gzip!;
      assert.ok(gzip, "gzipped");
      assert.deepEqual(gunzipSync(gzip.bytes), answer.bytes, "the same JSON");
      assert.deepEqual(JSON.parse(gunzipSync(gzip.bytes).toString()), { ok: true, data: { entries, me } });
      assert.equal(gzip.etag, `${answer.etag.slice(0, -1)}.gz"`);
    }
    assert.ok(withMe(null).gzip!.bytes.length < withMe(null).bytes.length / 2, "under half the size");
  });
});
