import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { OnJoinException, ServerError } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { logRoomFailure } from "../../src/colyseus/logger.ts";
import { createLogger } from "../../src/log.ts";
import { RoomName } from "../../src/protocol.ts";
import { Player } from "../support/players.ts";
import { startTestServer } from "../support/server.ts";

/** A logger at `level` whose JSON lines land in `lines`. */
function capturedLog(level: "info" | "warn" = "info") {
  const lines: Array<{ level: number; msg: string; err?: { stack?: string } }> = [];
  let bytes = 0;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      bytes += chunk.length;
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger(level, sink), lines, bytes: () => bytes };
}

describe("what rooms log of their failures", () => {
  it("a refused join is one info line without a stack, and a flood of them a handful of lines", () => {
    const { log, lines } = capturedLog();
    for (let i = 0; i < 200; i++) {
      const refusal = new ServerError(4403, "NOT_IN_ROSTER: you are not in this race");
      logRoomFailure(
        log,
        new OnJoinException(refusal, "onJoin failed", undefined as never, {}, {}),
        "onJoin",
      );
    }
    assert.ok(lines.length <= 5, `${lines.length} lines`);
    assert.ok(lines.every((line) => line.level === 30 && line.msg === "join refused" && !line.err));
  });

  it("a fault is an error with its stack", () => {
    const { log, lines } = capturedLog();
    logRoomFailure(
      log,
      new OnJoinException(new TypeError("boom"), "onJoin failed", undefined as never, {}, {}),
      "onJoin",
    );
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, 50);
    assert.match(lines[0]!.err?.stack ?? "", /boom/);
  });

  it("200 bogus joins of every kind leave no error line and little log", async function () {
    this.timeout(60_000);
    const { log, lines, bytes } = capturedLog();
    const server = await startTestServer({ LOBBY_COUNTDOWN_MS: "60000" }, log);
    try {
      const owner = await Player.signIn(server.url, "Owner");
      const seat = await owner.reserveLobbySeat();
      const thief = await Player.signIn(server.url, "Thief");
      const attempts: Array<Promise<unknown>> = [];
      for (let i = 0; i < 50; i++) {
        const forged = new Client(server.url.replace("http", "ws"));
        forged.auth.token = `forged-${i}`;
        attempts.push(forged.joinOrCreate(RoomName.LOBBY));
        attempts.push(new Client(server.url.replace("http", "ws")).joinOrCreate(RoomName.LOBBY));
        attempts.push(thief.sdk.consumeSeatReservation(seat));
        attempts.push(
          thief.sdk.consumeSeatReservation({ ...seat, roomId: `nosuchroom${i}`, sessionId: `s${i}` }),
        );
      }
      const outcomes = await Promise.allSettled(attempts);
      assert.ok(outcomes.every((outcome) => outcome.status === "rejected"));
      await owner.leaveAll();
      const errors = lines.filter((line) => line.level >= 50);
      assert.deepEqual(errors, []);
      assert.ok(!lines.some((line) => line.err?.stack), "no stack traces");
      assert.ok(bytes() < 100_000, `${bytes()} bytes of log`);
    } finally {
      await server.stop();
    }
  });
});
