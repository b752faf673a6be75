import assert from "node:assert/strict";
import { GraphCache } from "../../src/api/graphCache.ts";
import { preparedData } from "../../src/api/respond.ts";

describe("GraphCache (src/api/graphCache.ts)", () => {
  const user = "6f1c1f5e-0000-4000-8000-000000000001";
  /** a body of exactly `text.length` bytes */
  const body = (text: string) => ({ bytes: Buffer.from(text), etag: `"${text}"` });
  const text = (graphs: GraphCache, who: string, last: number, finishedRaces: number) =>
    graphs.get(who, last, finishedRaces)?.bytes.toString();

  it("gives back a body only at the count of finished races it was made at", () => {
    const graphs = new GraphCache();
    assert.equal(graphs.get(user, 10, 3), undefined);
    graphs.set(user, 10, 3, body("[3 races]"));
    assert.equal(text(graphs, user, 10, 3), "[3 races]");
    assert.equal(graphs.get(user, 10, 4), undefined, "a new result");
    assert.equal(graphs.get(user, 100, 3), undefined, "another length");
    graphs.set(user, 10, 4, body("[4 races]"));
    assert.equal(graphs.get(user, 10, 3), undefined, "replaced");
    assert.equal(text(graphs, user, 10, 4), "[4 races]");
  });

  it("lets the least recently used bodies go past its size, and keeps none larger than it", () => {
    const graphs = new GraphCache(10);
    graphs.set("a", 10, 1, body("aaaa"));
    graphs.set("b", 10, 1, body("bbbb"));
    assert.equal(text(graphs, "a", 10, 1), "aaaa", "a is now the most recently used");
    graphs.set("c", 10, 1, body("cccc"));
    assert.deepEqual(
      ["a", "b", "c"].map((who) => text(graphs, who, 10, 1)),
      ["aaaa", undefined, "cccc"],
    );
    graphs.set("d", 10, 1, body("d".repeat(11)));
    assert.equal(graphs.get("d", 10, 1), undefined);
    assert.equal(text(graphs, "a", 10, 1), "aaaa", "a body too large evicts nothing");
  });

  it("counts a replaced body once, and bytes rather than characters", () => {
    const graphs = new GraphCache(8);
    graphs.set("a", 10, 1, body("aaaa"));
    for (let races = 2; races < 10; races++) graphs.set("a", 10, races, body("aaaa"));
    graphs.set("b", 10, 1, body("bbbb"));
    assert.deepEqual([text(graphs, "a", 10, 9), text(graphs, "b", 10, 1)], ["aaaa", "bbbb"]);
    graphs.set("c", 10, 1, body("é"));
    assert.equal(graphs.get("a", 10, 9), undefined, "é is 2 bytes: 10 in all, a goes");
  });
});

describe("preparedData (src/api/respond.ts)", () => {
  it("holds the envelope sendData sends, and an ETag that changes with it", () => {
    const one = preparedData([{ wpm: 80 }]);
    assert.deepEqual(JSON.parse(one.bytes.toString()), { ok: true, data: [{ wpm: 80 }] });
    assert.equal(preparedData([{ wpm: 80 }]).etag, one.etag);
    assert.notEqual(preparedData([{ wpm: 81 }]).etag, one.etag);
    assert.match(one.etag, /^"[\w-]+"$/);
  });
});
