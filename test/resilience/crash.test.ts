import assert from "node:assert/strict";
import pg from "pg";
import { testDatabaseUrl } from "../hooks.ts";
import { clusterEnv, playerVia } from "../support/cluster.ts";
import { eventually, type Player } from "../support/players.ts";
import {
  freePort,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "../support/processes.ts";

const MONITOR_AUTH = `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}`;

async function monitor(server: ServerProcess) {
  const response = await fetch(`${server.url}/monitor/api`, { headers: { authorization: MONITOR_AUTH } });
  return (await response.json()) as {
    rooms: Array<{ roomId: string; processId: string }>;
    memory: { processId: string };
  };
}

async function storedResult(gameId: string, userId: string) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT rank, wpm FROM game_results WHERE game_id = $1 AND user_id = $2",
      [gameId, userId],
    );
    return rows[0] as { rank: number; wpm: number } | undefined;
  } finally {
    await client.end();
  }
}

describe("a process killed mid-race (SIGKILL)", function () {
  this.timeout(90_000);
  const players: Player[] = [];
  const servers: ServerProcess[] = [];
  const env = { LOBBY_MAX_PLAYERS: "2", LOBBY_COUNTDOWN_MS: "60000", RACE_WORDS: "6" };
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await Promise.all(servers.map((server) => terminate(server)));
  });

  it("the survivor keeps serving unnoticed, the dead rooms vanish, results already written stay", async () => {
    // The doomed process hosts two races under way…
    const doomed = await spawnServer(await clusterEnv(await freePort(), env));
    servers.push(doomed);
    await waitUntilReady(doomed);
    const [winner, victim, other1, other2] = (await Promise.all(
      ["Winner", "Victim", "Other 1", "Other 2"].map((name) => playerVia(doomed, doomed.url, name)),
    )) as [Player, Player, Player, Player];
    players.push(winner, victim, other1, other2);
    for (const player of [winner, victim, other1, other2]) await player.queue();
    await Promise.all([winner, victim, other1, other2].map((player) => player.enterRace()));
    assert.equal(winner.race!.roomId, victim.race!.roomId);
    await winner.waitForRacing();

    // …so the survivor, started next, gets the next race (it has the fewest rooms).
    const survivor = await spawnServer(await clusterEnv(await freePort(), env));
    servers.push(survivor);
    await waitUntilReady(survivor);
    const [calm, steady] = (await Promise.all(
      ["Calm", "Steady"].map((name) => playerVia(survivor, survivor.url, name)),
    )) as [Player, Player];
    players.push(calm, steady);
    await calm.queue();
    await steady.queue();
    await Promise.all([calm.enterRace(), steady.enterRace()]);
    const survivorId = (await monitor(survivor)).memory.processId;
    const doomedId = (await monitor(doomed)).memory.processId;
    assert.equal(
      (await monitor(survivor)).rooms.find((room) => room.roomId === calm.race!.roomId)?.processId,
      survivorId,
    );
    let survivorNoticed = false;
    for (const player of [calm, steady]) player.race!.onDrop(() => (survivorNoticed = true));

    // The winner finishes before the crash: that result is written at once.
    winner.type([...winner.race!.state.words].join(" "));
    await eventually("the winner's finish", () => winner.finished);
    victim.race!.reconnection.maxRetries = 2;
    victim.race!.reconnection.maxDelay = 200;
    const victimLeft = new Promise<number>((resolve) => victim.race!.onLeave((code) => resolve(code)));
    victim.type("ab");

    doomed.child.kill("SIGKILL");
    await doomed.exited;
    const killedAt = Date.now();

    // The survivor's race goes on as if nothing happened.
    await calm.waitForRacing();
    calm.type([...calm.race!.state.words].join(" "));
    await steady.typeSlowly([...steady.race!.state.words].join(" "), 5);
    await eventually("both finished on the survivor", () => calm.finished && steady.finished);
    assert.equal(survivorNoticed, false, "no client of the survivor noticed");
    assert.equal((await fetch(`${survivor.url}/readyz`)).status, 200);

    // The dead process's players are told and can queue again, on the survivor.
    assert.ok((await victimLeft) >= 1000);
    const again = await playerVia(survivor, survivor.url, "Victim again");
    again.sdk.auth.token = victim.accessToken;
    players.push(again);
    await again.queue();

    // The dead process's rooms disappear from the shared listing within 30 s.
    await eventually(
      "the dead rooms gone",
      async () => !(await monitor(survivor)).rooms.some((room) => room.processId === doomedId),
      30_000,
    );
    assert.ok(Date.now() - killedAt < 30_000);

    // What was written before the crash is intact.
    assert.deepEqual(await storedResult(winner.finished!.gameId, winner.id), {
      rank: 1,
      wpm: winner.finished!.wpm,
    });
  });
});
