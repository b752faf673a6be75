import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { fileOutbox, type Outbox, redisOutbox } from "../../src/db/outbox.ts";
import { TEST_REDIS_URL } from "../support/services.ts";

async function scratchFile() {
  return path.join(await mkdtemp(path.join(tmpdir(), "typephoon-outbox-")), "outbox.jsonl");
}

function behavesAsAQueue(make: () => Promise<Outbox>) {
  it("keeps entries in order until they are removed", async () => {
    const outbox = await make();
    for (const payload of ["one", "two", "three"]) await outbox.append(payload);
    assert.equal(await outbox.size(), 3);
    const firstTwo = await outbox.peek(2);
    assert.deepEqual(
      firstTwo.map((entry) => entry.payload),
      ["one", "two"],
    );
    await outbox.remove(firstTwo);
    assert.deepEqual(
      (await outbox.peek(10)).map((entry) => entry.payload),
      ["three"],
    );
    await outbox.remove(await outbox.peek(10));
    assert.equal(await outbox.size(), 0);
    assert.deepEqual(await outbox.peek(10), []);
  });

  it("takes any text, newlines and quotes included", async () => {
    const outbox = await make();
    const tricky = 'line one\nline "two"\\ end';
    await outbox.append(tricky);
    assert.equal((await outbox.peek(1))[0]!.payload, tricky);
  });
}

describe("outbox", () => {
  describe("in a file (no Redis)", () => {
    behavesAsAQueue(async () => fileOutbox(await scratchFile()));

    it("survives a restart: a new process finds what the last one appended", async () => {
      const file = await scratchFile();
      const before = await fileOutbox(file);
      await before.append("kept");
      await before.append("written");
      await before.remove((await before.peek(2)).slice(1));
      const after = await fileOutbox(file);
      assert.deepEqual(
        (await after.peek(10)).map((entry) => entry.payload),
        ["kept"],
      );
    });

    it("ignores a last line cut short by a crash mid-append", async () => {
      const file = await scratchFile();
      const outbox = await fileOutbox(file);
      await outbox.append("complete");
      await appendFile(file, '"half-writ');
      const reopened = await fileOutbox(file);
      assert.deepEqual(
        (await reopened.peek(10)).map((entry) => entry.payload),
        ["complete"],
      );
      await reopened.append("next");
      assert.equal(await reopened.size(), 2);
      assert.match(await readFile(file, "utf8"), /"next"\n$/);
    });

    it("keeps every entry of concurrent appends", async () => {
      const outbox = await fileOutbox(await scratchFile());
      await Promise.all(Array.from({ length: 50 }, (_, i) => outbox.append(`entry ${i}`)));
      assert.equal(await outbox.size(), 50);
    });
  });

  describe("in a Redis stream (REDIS_URL set)", () => {
    let redis: Redis;
    let stream: string;
    before(() => {
      redis = new Redis(TEST_REDIS_URL);
    });
    beforeEach(() => {
      stream = `typephoon:test-outbox:${Math.random().toString(36).slice(2)}`;
    });
    afterEach(async () => {
      await redis.del(stream);
    });
    after(async () => {
      await redis.quit();
    });

    behavesAsAQueue(async () => redisOutbox(redis, stream));

    it("is shared: another process's connection sees and drains the same entries", async () => {
      await redisOutbox(redis, stream).append("left by a dead process");
      const other = new Redis(TEST_REDIS_URL);
      try {
        const survivor = redisOutbox(other, stream);
        const entries = await survivor.peek(10);
        assert.deepEqual(
          entries.map((entry) => entry.payload),
          ["left by a dead process"],
        );
        await survivor.remove(entries);
        assert.equal(await redisOutbox(redis, stream).size(), 0);
      } finally {
        await other.quit();
      }
    });
  });
});
