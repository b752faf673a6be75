import assert from "node:assert/strict";
import { GraphCache } from "../../src/api/graphCache.ts";

describe("GraphCache (src/api/graphCache.ts)", () => {
  const user = "6f1c1f5e-0000-4000-8000-000000000001";

  it("gives back a body only at the count of finished races it was made at", () => {
    const graphs = new GraphCache();
    assert.equal(graphs.get(user, 10, 3), undefined);
    graphs.set(user, 10, 3, "[3 races]");
    assert.equal(graphs.get(user, 10, 3), "[3 races]");
    assert.equal(graphs.get(user, 10, 4), undefined, "a new result");
    assert.equal(graphs.get(user, 100, 3), undefined, "another length");
    graphs.set(user, 10, 4, "[4 races]");
    assert.equal(graphs.get(user, 10, 3), undefined, "replaced");
    assert.equal(graphs.get(user, 10, 4), "[4 races]");
  });

  it("lets the least recently used bodies go past its size, and keeps none larger than it", () => {
    const graphs = new GraphCache(10);
    graphs.set("a", 10, 1, "aaaa");
    graphs.set("b", 10, 1, "bbbb");
    assert.equal(graphs.get("a", 10, 1), "aaaa", "a is now the most recently used");
    graphs.set("c", 10, 1, "cccc");
    assert.deepEqual(
      ["a", "b", "c"].map((who) => graphs.get(who, 10, 1)),
      ["aaaa", undefined, "cccc"],
    );
    graphs.set("d", 10, 1, "d".repeat(11));
    assert.equal(graphs.get("d", 10, 1), undefined);
    assert.equal(graphs.get("a", 10, 1), "aaaa", "a body too large evicts nothing");
  });

  it("counts a replaced body once", () => {
    const graphs = new GraphCache(8);
    graphs.set("a", 10, 1, "aaaa");
    for (let races = 2; races < 10; races++) graphs.set("a", 10, races, "aaaa");
    graphs.set("b", 10, 1, "bbbb");
    assert.deepEqual([graphs.get("a", 10, 9), graphs.get("b", 10, 1)], ["aaaa", "bbbb"]);
  });
});
