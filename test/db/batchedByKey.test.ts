import assert from "node:assert/strict";
import { batchedByKey, MAX_KEYS_PER_QUERY } from "../../src/db/batchedByKey.ts";

/** A lookup that squares numbers, recording the keys of each query, answered when `release` says. */
function squares() {
  const queries: number[][] = [];
  let answer = () => {};
  const lookup = batchedByKey(async (keys: number[]) => {
    queries.push(keys);
    await new Promise<void>((resolve) => {
      answer = resolve;
    });
    if (keys.includes(-13)) throw new Error("unlucky batch");
    return new Map(keys.filter((key) => key >= 0).map((key) => [key, key * key]));
  }, -1);
  const release = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    answer();
  };
  return { lookup, queries, release };
}

describe("batchedByKey (src/db/batchedByKey.ts)", () => {
  it("asks once for the keys asked in the same turn, each key once, and answers every caller", async () => {
    const { lookup, queries, release } = squares();
    const answers = Promise.all([lookup(2), lookup(3), lookup(2), lookup(-5)]);
    await release();
    assert.deepEqual(await answers, [4, 9, 4, -1]);
    assert.deepEqual(queries, [[2, 3, -5]]);
  });

  it("gathers the keys asked while a query is in flight into the next query", async () => {
    const { lookup, queries, release } = squares();
    const first = lookup(1);
    await release();
    const meanwhile = [lookup(2), lookup(3)];
    assert.equal(await first, 1);
    await release();
    assert.deepEqual(await Promise.all(meanwhile), [4, 9]);
    assert.deepEqual(queries, [[1], [2, 3]]);
  });

  it("rejects only the callers of a failed query; the next query runs", async () => {
    const { lookup, queries, release } = squares();
    const failed = [lookup(-13), lookup(4)];
    await release();
    await Promise.all(failed.map((answer) => assert.rejects(answer, /unlucky batch/)));
    const later = lookup(5);
    await release();
    assert.equal(await later, 25);
    assert.deepEqual(queries, [[-13, 4], [5]]);
  });

  it(`puts at most ${MAX_KEYS_PER_QUERY} keys in one query`, async () => {
    const { lookup, queries, release } = squares();
    const keys = Array.from({ length: MAX_KEYS_PER_QUERY + 1 }, (_, i) => i);
    const answers = Promise.all(keys.map((key) => lookup(key)));
    await release();
    await release();
    assert.deepEqual(
      await answers,
      keys.map((key) => key * key),
    );
    assert.deepEqual(
      queries.map((query) => query.length),
      [MAX_KEYS_PER_QUERY, 1],
    );
  });
});
