import assert from "node:assert/strict";
import {
  createFloodGuard,
  FLOOD_BURST,
  FLOOD_DISCONNECT_AFTER_MS,
  FLOOD_RATE_PER_SECOND,
  type FloodGuard,
  type FloodGuardOptions,
  type FloodVerdict,
} from "../../src/game/floodGuard.ts";

/** Sends a message at each time and returns the verdicts. */
function sendAt(guard: FloodGuard, times: readonly number[]): FloodVerdict[] {
  return times.map((t) => guard.take(t));
}

/** `count` times from `startMs`, `stepMs` apart. */
function evenly(count: number, stepMs: number, startMs = 0): number[] {
  return Array.from({ length: count }, (_, i) => startMs + i * stepMs);
}

function counts(verdicts: readonly FloodVerdict[]): Record<FloodVerdict, number> {
  const result: Record<FloodVerdict, number> = { ok: 0, limited: 0, disconnect: 0 };
  for (const verdict of verdicts) result[verdict]++;
  return result;
}

describe("floodGuard", () => {
  it("defaults to 30 keys/s sustained, bursts of 60, disconnect after 1 s of flooding", () => {
    assert.equal(FLOOD_RATE_PER_SECOND, 30);
    assert.equal(FLOOD_BURST, 60);
    assert.equal(FLOOD_DISCONNECT_AFTER_MS, 1000);
  });

  it("lets 10 keys/s through forever", () => {
    const verdicts = sendAt(createFloodGuard(), evenly(36_000, 100));
    assert.deepEqual(counts(verdicts), { ok: 36_000, limited: 0, disconnect: 0 });
  });

  it("lets exactly the sustained rate through forever", () => {
    const verdicts = sendAt(createFloodGuard(), evenly(18_000, 1000 / 30));
    assert.deepEqual(counts(verdicts), { ok: 18_000, limited: 0, disconnect: 0 });
  });

  it("lets an instant burst of 60 through and limits the 61st", () => {
    const guard = createFloodGuard();
    assert.deepEqual(counts(sendAt(guard, evenly(60, 0))), { ok: 60, limited: 0, disconnect: 0 });
    assert.equal(guard.take(0), "limited");
  });

  it("disconnects a client sending 1000 keys/s about 1 s after it is first limited", () => {
    const guard = createFloodGuard();
    const verdicts = sendAt(guard, evenly(2000, 1));
    const firstLimited = verdicts.indexOf("limited");
    const firstDisconnect = verdicts.indexOf("disconnect");
    // 60 tokens plus 0.03 refilled per ms last until the 61st ms.
    assert.equal(firstLimited, 61);
    assert.ok(firstDisconnect > firstLimited + 1000 && firstDisconnect <= 1100, `at ${firstDisconnect} ms`);
    // Tokens trickling back let a few keys through meanwhile; they do not end the limited spell.
    const meanwhile = counts(verdicts.slice(firstLimited, firstDisconnect));
    assert.ok(meanwhile.ok >= 25, JSON.stringify(meanwhile));
    assert.equal(meanwhile.disconnect, 0);
  });

  it("disconnects a client that keeps sending just above the sustained rate", () => {
    const verdicts = sendAt(createFloodGuard(), evenly(31 * 70, 1000 / 31));
    const firstLimited = verdicts.indexOf("limited") * (1000 / 31);
    const firstDisconnect = verdicts.indexOf("disconnect") * (1000 / 31);
    // The full bucket covers the 1 key/s excess for about a minute.
    assert.ok(firstLimited > 58_000 && firstLimited < 61_000, `first limited at ${firstLimited} ms`);
    assert.ok(
      firstDisconnect > firstLimited + 1000 && firstDisconnect < firstLimited + 2100,
      `disconnected at ${firstDisconnect} ms`,
    );
  });

  it("forgives a burst once the client slows to a human pace", () => {
    const guard = createFloodGuard();
    assert.deepEqual(counts(sendAt(guard, evenly(70, 0))), { ok: 60, limited: 10, disconnect: 0 });
    assert.deepEqual(counts(sendAt(guard, evenly(100, 100, 100))), { ok: 100, limited: 0, disconnect: 0 });
    // The bucket is full again: a whole new burst passes, and the next limit starts a new spell.
    assert.deepEqual(counts(sendAt(guard, evenly(60, 0, 10_100))), { ok: 60, limited: 0, disconnect: 0 });
    assert.equal(guard.take(10_100), "limited");
    assert.equal(guard.take(10_101), "limited");
  });

  it("forgives a burst after a pause that refills the bucket", () => {
    const guard = createFloodGuard();
    sendAt(guard, evenly(61, 0));
    assert.deepEqual(counts(sendAt(guard, evenly(60, 0, 2000))), { ok: 60, limited: 0, disconnect: 0 });
    assert.equal(guard.take(2000), "limited");
  });

  it("disconnects a client that floods again before its bucket has refilled", () => {
    const guard = createFloodGuard();
    sendAt(guard, evenly(61, 0));
    // 1.5 s refill 45 tokens, not 60: the limited spell that began at 0 ms is still on.
    assert.deepEqual(counts(sendAt(guard, evenly(45, 0, 1500))), { ok: 45, limited: 0, disconnect: 0 });
    assert.equal(guard.take(1500), "disconnect");
  });

  it("neither refills nor disconnects because a clock steps back", () => {
    const guard = createFloodGuard();
    sendAt(guard, evenly(60, 0, 1000));
    assert.deepEqual(sendAt(guard, [500, -1e9, 1000, 1020]), ["limited", "limited", "limited", "limited"]);
    // 34 ms after the latest time seen refill 1.02 tokens.
    assert.equal(guard.take(1034), "ok");
  });

  it("keeps one bucket per guard", () => {
    const flooder = createFloodGuard();
    const typist = createFloodGuard();
    sendAt(flooder, evenly(61, 0));
    assert.equal(typist.take(0), "ok");
  });

  describe("options", () => {
    it("take a custom rate and burst", () => {
      const guard = createFloodGuard({ ratePerSecond: 2, burst: 3 });
      assert.deepEqual(sendAt(guard, [0, 0, 0, 0, 499, 600, 600]), [
        "ok",
        "ok",
        "ok",
        "limited",
        "limited",
        "ok",
        "limited",
      ]);
    });

    it("take a custom disconnect delay", () => {
      const guard = createFloodGuard({ ratePerSecond: 1, burst: 1, disconnectAfterMs: 0 });
      assert.deepEqual(sendAt(guard, [0, 0, 1]), ["ok", "limited", "disconnect"]);
    });

    it("disconnect only after more than the delay", () => {
      const verdicts = sendAt(createFloodGuard({ disconnectAfterMs: 5000 }), evenly(6000, 1));
      const firstDisconnect = verdicts.indexOf("disconnect");
      assert.ok(firstDisconnect > 61 + 5000 && firstDisconnect <= 5100, `at ${firstDisconnect} ms`);
    });

    const invalid: Array<[string, FloodGuardOptions]> = [
      ["a zero rate", { ratePerSecond: 0 }],
      ["a negative rate", { ratePerSecond: -30 }],
      ["a NaN rate", { ratePerSecond: Number.NaN }],
      ["a burst below one message", { burst: 0.5 }],
      ["a NaN burst", { burst: Number.NaN }],
      ["a negative disconnect delay", { disconnectAfterMs: -1 }],
      ["a NaN disconnect delay", { disconnectAfterMs: Number.NaN }],
    ];
    for (const [name, opts] of invalid) {
      it(`reject ${name}`, () => {
        assert.throws(() => createFloodGuard(opts), RangeError);
      });
    }
  });
});
