import assert from "node:assert/strict";
import { eventually, Player } from "./support/players.ts";
import { freePort } from "./support/processes.ts";
import { startTestServer, type TestServer } from "./support/server.ts";

const ADMIN = `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}`;

/** The value of one sample in Prometheus's text format (0 when absent). */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((row) => row.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe("GET /metrics (Prometheus)", function () {
  this.timeout(30_000);
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    server = await startTestServer({
      MONITOR_PASSWORD: "monitor-secret",
      LOBBY_MAX_PLAYERS: "1",
      RACE_START_COUNTDOWN_MS: "300",
      RACE_WORDS: "2",
    });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await server.stop();
  });

  it("is behind the monitor's password", async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
  });

  it("counts rooms, races, keystrokes, rejected messages and result writes", async () => {
    const solo = await Player.signIn(server.url, "Solo");
    players.push(solo);
    await solo.queue();
    await solo.enterRace();
    solo.press("a");
    await eventually("NOT_STARTED", () => solo.errors.length === 1);
    await solo.waitForRacing();
    const text = [...solo.race!.state.words].join(" ");
    solo.type(text);
    await eventually("the finish", () => solo.finished);

    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: ADMIN } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    const metrics = await response.text();
    assert.equal(sample(metrics, "typephoon_keystrokes_total"), text.length);
    assert.equal(sample(metrics, 'typephoon_rejected_messages_total{code="NOT_STARTED"}'), 1);
    assert.ok(sample(metrics, "typephoon_races_started_total") >= 1);
    assert.ok(sample(metrics, "typephoon_races_finished_total") >= 1);
    assert.equal(sample(metrics, 'typephoon_rooms{type="race"}'), 1);
    assert.ok(sample(metrics, "typephoon_result_write_seconds_count") >= 1);
    assert.equal(sample(metrics, "typephoon_race_writes_waiting"), 0);
    assert.ok(sample(metrics, "typephoon_connected_clients") >= 1);
    assert.match(metrics, /^typephoon_node_nodejs_eventloop_lag_seconds /m);

    const again = await (await fetch(`${server.url}/metrics`, { headers: { authorization: ADMIN } })).text();
    assert.equal(sample(again, "typephoon_keystrokes_total"), text.length, "a counter keeps its total");
  });
});

describe("METRICS_PORT", () => {
  it("serves /metrics on a port of its own, without a password, and not on the game port", async () => {
    const metricsPort = await freePort();
    const server = await startTestServer({
      MONITOR_PASSWORD: "monitor-secret",
      METRICS_PORT: String(metricsPort),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^typephoon_rooms\{type="lobby"\} 0$/m);
      const onGamePort = await fetch(`${server.url}/metrics`, { headers: { authorization: ADMIN } });
      assert.equal(onGamePort.status, 404);
    } finally {
      await server.stop();
    }
  });
});
