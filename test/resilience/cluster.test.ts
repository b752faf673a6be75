import assert from "node:assert/strict";
import { playerVia, twoProcesses } from "../support/cluster.ts";
import { call, dataOf } from "../support/http.ts";
import { eventually, type Player } from "../support/players.ts";
import type { ServerProcess } from "../support/processes.ts";

describe("several processes over Redis", function () {
  this.timeout(60_000);
  const { servers, players } = twoProcesses();

  it("shares matchmaking: 10 clients through either process share lobbies of up to 5 and race together", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const racers: Player[] = [];
    for (let i = 0; i < 10; i++) racers.push(await playerVia(i % 2 === 0 ? a : b, a.url, `Racer ${i}`));
    players.push(...racers);
    // One after another, alternating processes: each finds the lobby the other process's client opened.
    for (const racer of racers) await racer.queue();
    const lobbies = new Map<string, number[]>();
    for (const [i, racer] of racers.entries()) {
      lobbies.set(racer.lobby!.roomId, [...(lobbies.get(racer.lobby!.roomId) ?? []), i % 2]);
    }
    assert.deepEqual(
      [...lobbies.values()].map((via) => [via.length, new Set(via).size]),
      [
        [5, 2],
        [5, 2],
      ],
      "two full lobbies, each with clients of both processes",
    );
    await Promise.all(racers.map((player) => player.enterRace()));
    await Promise.all(racers.map((player) => player.waitForRacing()));
    for (const player of racers) player.type([...player.race!.state.words].join(" "));
    await Promise.all(racers.map((player) => eventually(`${player.name}'s finish`, () => player.finished)));
    const games = new Set(racers.map((player) => player.finished!.gameId));
    assert.equal(games.size, 2);
    for (const gameId of games) {
      const result = dataOf(await call<{ ranking: unknown[] }>(b.url, `/api/v1/games/${gameId}/result`));
      assert.equal(result.ranking.length, 5);
    }
  });

  it("a burst of 10 simultaneous joins never over-fills a lobby", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const burst: Player[] = [];
    for (let i = 0; i < 10; i++) burst.push(await playerVia(i % 2 === 0 ? a : b, a.url, `Burst ${i}`));
    players.push(...burst);
    await Promise.all(burst.map((player) => player.queue()));
    const sizes = new Map<string, number>();
    for (const player of burst) sizes.set(player.lobby!.roomId, (sizes.get(player.lobby!.roomId) ?? 0) + 1);
    assert.ok(
      [...sizes.values()].every((size) => size <= 5),
      JSON.stringify([...sizes.values()]),
    );
  });

  it("each process is ready, and the monitor of one lists the rooms of both", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    for (const server of servers) assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    const auth = `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}`;
    const monitor = async (server: ServerProcess) =>
      (await (await fetch(`${server.url}/monitor/api`, { headers: { authorization: auth } })).json()) as {
        rooms: Array<{ roomId: string; processId: string }>;
        memory: { processId: string };
      };
    const processB = (await monitor(b)).memory.processId;
    // A new room goes to the process with the fewest rooms: queue until B hosts one.
    await eventually(
      "a room on process B",
      async () => {
        if ((await monitor(b)).rooms.some((room) => room.processId === processB)) return true;
        const player = await playerVia(a, a.url, "Filler");
        players.push(player);
        await player.queue();
        return false;
      },
      20_000,
    );
    const seenByA = await monitor(a);
    assert.notEqual(seenByA.memory.processId, processB);
    assert.ok(
      seenByA.rooms.some((room) => room.processId === processB),
      "A's monitor lists B's rooms",
    );
    assert.deepEqual(
      seenByA.rooms.map((room) => room.roomId).sort(),
      (await monitor(b)).rooms.map((room) => room.roomId).sort(),
    );
  });

  it("lists the live public races of both processes from either, and races friends across them", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const auth = `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}`;
    const hostOf = async (roomId: string) => {
      const answer = (await (
        await fetch(`${a.url}/monitor/api`, { headers: { authorization: auth } })
      ).json()) as {
        rooms: Array<{ roomId: string; processId: string }>;
      };
      return answer.rooms.find((room) => room.roomId === roomId)?.processId;
    };
    // Races go to the process with the fewest rooms: start pairs until both processes host one.
    const races = new Map<string, string>();
    await eventually(
      "a race on each process",
      async () => {
        const pair = [await playerVia(a, a.url, "Left"), await playerVia(b, a.url, "Right")];
        players.push(...pair);
        for (const player of pair) await player.queue();
        await Promise.all(pair.map((player) => player.enterRace()));
        const gameId = pair[0]!.race!.roomId;
        races.set(gameId, (await hostOf(gameId))!);
        return new Set(races.values()).size === 2;
      },
      30_000,
    );
    for (const server of servers) {
      const live = dataOf(await call<Array<{ gameId: string }>>(server.url, "/api/v1/games/live"));
      const listed = new Set(live.map(({ gameId }) => gameId));
      for (const gameId of races.keys()) assert.ok(listed.has(gameId), `${server.url} lists ${gameId}`);
    }

    // A private room made through A, joined by code through B, raced and watched from both.
    const host = await playerVia(a, a.url, "Host");
    const friend = await playerVia(b, a.url, "Friend");
    const watcher = await playerVia(b, a.url, "Watcher");
    players.push(host, friend, watcher);
    const room = await host.createParty({ words: 10 });
    await friend.joinParty(room.roomId);
    await eventually("two in the room", () => room.state.players.size === 2);
    host.start();
    await Promise.all([host.enterRace(), friend.enterRace()]);
    const gameId = host.race!.roomId;
    await watcher.spectate(gameId);
    await Promise.all([host.waitForRacing(), friend.waitForRacing()]);
    for (const player of [host, friend]) {
      await player.typeSlowly([...player.race!.state.words].join(" "), 35);
    }
    await eventually("the room reopens after its race", () => room.state.lastGameId === gameId, 10_000);
    await eventually("the watcher sees it over", () => watcher.race!.state.status === "finished");
    const live = dataOf(await call<Array<{ gameId: string }>>(b.url, "/api/v1/games/live"));
    assert.ok(!live.some((race) => race.gameId === gameId), "a private race is never listed");
  });
});
