import assert from "node:assert/strict";
import { MAX_WEBSOCKET_PAYLOAD_BYTES } from "../../src/app.config.ts";
import { RoomCloseCode } from "../../src/protocol.ts";
import { eventually, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/** ms from one key press to the player's own cursor moving in the synced state. */
async function keyLatency(player: Player, key: string): Promise<number> {
  const before = player.me()!.charIndex;
  const sent = performance.now();
  player.press(key);
  await eventually("the cursor to move", () => player.me()!.charIndex !== before, 2_000);
  return performance.now() - sent;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe("a client sending 1,000 keys a second", function () {
  this.timeout(30_000);
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    server = await startTestServer({
      LOBBY_MAX_PLAYERS: "2",
      RACE_START_COUNTDOWN_MS: "300",
      RACE_WORDS: "50",
      RECONNECT_GRACE_S: "2",
    });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await server.stop();
  });

  /** Two players who queue together and take their seats in the same race. */
  async function raceOfTwo(names: [string, string]): Promise<[Player, Player]> {
    const pair = (await Promise.all(names.map((name) => Player.signIn(server.url, name)))) as [
      Player,
      Player,
    ];
    players.push(...pair);
    for (const player of pair) await player.queue();
    await Promise.all(pair.map((player) => player.enterRace()));
    return pair;
  }

  it("is limited and disconnected within a second, while the others' latency stays normal", async () => {
    const [honest, flooder] = await raceOfTwo(["Honest", "Flooder"]);
    await honest.waitForRacing();
    // Typing back and forth in the first word: a key and its Backspace, so the cursor keeps moving.
    const letter = honest.race!.state.words[0]![0]!;
    const typeSome = async (count: number) => {
      const latencies: number[] = [];
      for (let i = 0; i < count; i++)
        latencies.push(await keyLatency(honest, i % 2 === 0 ? letter : "Backspace"));
      return latencies;
    };
    const calm = await typeSome(10);

    const closed = new Promise<number>((resolve) => flooder.race!.onLeave((code) => resolve(code)));
    const floodStarted = performance.now();
    const flood = setInterval(() => {
      for (let i = 0; i < 10; i++) flooder.press(i % 2 === 0 ? "a" : "Backspace");
    }, 10);
    let stormy: number[];
    let closedAfterMs: number;
    try {
      [stormy, closedAfterMs] = await Promise.all([
        typeSome(10),
        closed.then(() => performance.now() - floodStarted),
      ]);
    } finally {
      clearInterval(flood);
    }
    assert.ok(
      flooder.errors.some((error) => error.code === "RATE_LIMITED") ||
        (await closed) !== RoomCloseCode.FLOODING,
      "limited before being closed",
    );
    assert.ok(closedAfterMs < 1_000, `closed after ${Math.round(closedAfterMs)} ms`);
    assert.ok(
      median(stormy) < median(calm) + 50,
      `median latency ${Math.round(median(stormy))} ms during the flood vs ${Math.round(median(calm))} ms before`,
    );
    assert.equal(honest.errors.length, 0);
  });

  it("an oversized WebSocket frame is refused by the transport, closing only that connection", async () => {
    const [sender, bystander] = await raceOfTwo(["Sender", "Bystander"]);
    const closed = new Promise<number>((resolve) => sender.race!.onLeave((code) => resolve(code)));
    sender.race!.send("key", { key: "x".repeat(MAX_WEBSOCKET_PAYLOAD_BYTES + 1) });
    assert.equal(await closed, 1009, "1009: message too big");
    await bystander.waitForRacing();
    bystander.press(bystander.race!.state.words[0]![0]!);
    await eventually("the bystander still typing", () => bystander.me()!.charIndex === 1);
  });
});
