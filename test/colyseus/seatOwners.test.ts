import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { reservedSeat, seatsBeingTaken } from "../../src/colyseus/seats.ts";
import { eventually, initialState, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

describe("seats: reserved by matchmaking, taken only by their owner", () => {
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    server = await startTestServer({ LOBBY_COUNTDOWN_MS: "60000" });
  });
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });
  const signIn = async (name: string) => {
    const player = await Player.signIn(server.url, name);
    players.push(player);
    return player;
  };

  it("Colyseus keeps a reserved seat with its auth data until it is taken (what src/colyseus/seats.ts reads)", async () => {
    const ada = await signIn("Ada");
    const seat = await ada.reserveLobbySeat();
    const lobby = matchMaker.getLocalRoomById(seat.roomId)!;
    assert.deepEqual(reservedSeat(lobby, seat.sessionId), {
      auth: { id: ada.id, name: ada.name, guest: true },
      reconnection: false,
    });
    assert.equal(seatsBeingTaken(lobby), 1);
    await ada.queue(seat);
    assert.equal(reservedSeat(lobby, seat.sessionId), undefined);
    assert.equal(seatsBeingTaken(lobby), 0);
  });

  it("a stolen reservation gets its thief nothing and leaves the seat to its owner", async () => {
    const owner = await signIn("Owner");
    const thief = await signIn("Thief");
    const seat = await owner.reserveLobbySeat();
    await assert.rejects(thief.sdk.consumeSeatReservation(seat));
    const anonymous = new Client(server.url.replace("http", "ws"));
    await assert.rejects(anonymous.consumeSeatReservation(seat));
    const lobby = await owner.queue(seat);
    await eventually("the owner in the lobby", () => lobby.state.players.get(owner.id));
    assert.equal(lobby.state.players.has(thief.id), false);
  });

  it("a reloaded page's new connection still takes the player's own seat", async () => {
    const ada = await signIn("Ada again");
    const seat = await ada.reserveLobbySeat();
    const sameUser = new Client(server.url.replace("http", "ws"));
    sameUser.auth.token = ada.accessToken;
    const lobby = await initialState(await sameUser.consumeSeatReservation(seat));
    assert.equal(lobby.roomId, seat.roomId);
    await lobby.leave();
  });
});
