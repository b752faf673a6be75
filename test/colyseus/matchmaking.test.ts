import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { takingTurns } from "../../src/colyseus/matchmaking.ts";

describe("takingTurns: lobby searches one at a time", () => {
  it("runs tasks one after another, in the order given, each caller getting its own result", async () => {
    const inTurn = takingTurns(1_000);
    const events: string[] = [];
    let running = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      assert.equal(running, 1, `${name} started while another task ran`);
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
      running--;
      return name;
    };
    const results = await Promise.all([inTurn(task("a", 30)), inTurn(task("b", 1)), inTurn(task("c", 10))]);
    assert.deepEqual(results, ["a", "b", "c"]);
    assert.deepEqual(events, ["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  it("goes on after a task that rejects or throws, which reject only their own callers", async () => {
    const inTurn = takingTurns(1_000);
    const rejecting = inTurn(async () => {
      throw new Error("no seat");
    });
    const throwing = inTurn((): Promise<never> => {
      throw new Error("thrown before any promise");
    });
    const next = inTurn(async () => "seated");
    await assert.rejects(rejecting, /no seat/);
    await assert.rejects(throwing, /thrown before any promise/);
    assert.equal(await next, "seated");
  });

  it("lets the next task start once one has held the queue for holdMs, without waiting for it", async () => {
    const inTurn = takingTurns(20);
    let slowDone = false;
    const slow = inTurn(async () => {
      await sleep(300);
      slowDone = true;
      return "slow";
    });
    const fast = await inTurn(async () => slowDone);
    assert.equal(fast, false, "the next task ran while the slow one still waited");
    assert.equal(await slow, "slow");
  });
});
