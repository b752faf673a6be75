import assert from "node:assert/strict";
import { type IRoomCache, initializeRoomCache } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { Redis } from "ioredis";
import { RoomNameIndexedDriver } from "../../src/colyseus/roomNameIndexedDriver.ts";
import { TEST_REDIS_URL } from "../support/services.ts";

describe("RoomNameIndexedDriver: lobby searches read only the lobbies' listings", () => {
  let redis: Redis;
  let driver: RoomNameIndexedDriver;
  const listing = (roomId: string, name: string, fields: Partial<IRoomCache> = {}) =>
    initializeRoomCache({ roomId, name, processId: "p1", clients: 0, maxClients: 5, ...fields });
  const lobbySearch = { name: "lobby", locked: false, private: false };

  beforeEach(async () => {
    redis = new Redis(TEST_REDIS_URL);
    driver = new RoomNameIndexedDriver(redis, ["lobby"]);
    await driver.clear();
  });
  afterEach(async () => {
    await driver.clear();
    await redis.quit();
  });

  it("lists every room where @colyseus/redis-driver does, and lobbies also in a hash of their own", async () => {
    await driver.persist(listing("L1", "lobby"));
    await driver.persist(listing("R1", "race"));
    assert.deepEqual(Object.keys(await redis.hgetall("roomcaches")).sort(), ["L1", "R1"]);
    assert.deepEqual(Object.keys(await redis.hgetall("roomcaches:lobby")), ["L1"]);
    const library = new RedisDriver(redis);
    assert.equal((await library.findOne({ roomId: "R1" })).name, "race");
    assert.equal(await driver.has("L1"), true);
    assert.equal((await driver.findOne({ roomId: "R1" })).name, "race");
    assert.deepEqual([...(await driver.findByIds(["L1", "nope"])).keys()], ["L1"]);
  });

  it("finds an open lobby, never a race, a locked or a private lobby, and undefined when none is open", async () => {
    assert.equal(await driver.findOne(lobbySearch), undefined);
    await driver.persist(listing("R1", "race"));
    await driver.persist(listing("L1", "lobby", { locked: true }));
    await driver.persist(listing("L2", "lobby", { private: true }));
    assert.equal(await driver.findOne(lobbySearch), undefined);
    await driver.persist(listing("L3", "lobby", { createdAt: new Date("2026-01-01T00:00:00Z") }));
    const found = await driver.findOne(lobbySearch);
    assert.equal(found.roomId, "L3");
    assert.deepEqual(found, await new RedisDriver(redis).findOne(lobbySearch), "the library's listing");
  });

  it("keeps both hashes in step through updates, removal and a dead process's cleanup", async () => {
    const lobby = listing("L1", "lobby");
    await driver.persist(lobby);
    await driver.update(lobby, { $inc: { clients: 4 } });
    await driver.update(lobby, { $inc: { clients: 1 }, $set: { locked: true } });
    assert.equal(lobby.clients, 5, "the listing object itself is updated, as Colyseus expects");
    assert.equal(await driver.findOne(lobbySearch), undefined);
    assert.deepEqual(
      JSON.parse((await redis.hget("roomcaches:lobby", "L1"))!),
      JSON.parse((await redis.hget("roomcaches", "L1"))!),
    );
    assert.equal((await driver.findOne({ roomId: "L1" })).clients, 5);

    assert.equal(await driver.remove("L1"), true);
    assert.equal(await driver.remove("L1"), false);
    assert.equal(await redis.exists("roomcaches:lobby"), 0);

    await driver.persist(listing("L2", "lobby", { processId: "dead" }));
    await driver.persist(listing("R2", "race", { processId: "dead" }));
    await driver.persist(listing("L3", "lobby", { processId: "alive" }));
    await driver.cleanup("dead");
    assert.deepEqual(Object.keys(await redis.hgetall("roomcaches")), ["L3"]);
    assert.deepEqual(Object.keys(await redis.hgetall("roomcaches:lobby")), ["L3"]);
  });

  it("filters on metadata and sorts as the library does; other names go to the library", async () => {
    await driver.persist(listing("L1", "lobby", { clients: 1, metadata: { mode: "sprint" } }));
    await driver.persist(listing("L2", "lobby", { clients: 3, metadata: { mode: "sprint" } }));
    await driver.persist(listing("L3", "lobby", { clients: 4, metadata: { mode: "marathon" } }));
    await driver.persist(listing("R1", "race", { clients: 2 }));
    const sprint = await driver.query({ name: "lobby", mode: "sprint" } as Partial<IRoomCache>, {
      clients: -1,
    });
    assert.deepEqual(
      sprint.map((room) => room.roomId),
      ["L2", "L1"],
    );
    const ascending = await driver.query({ name: "lobby" }, { clients: "asc" });
    assert.deepEqual(
      ascending.map((room) => room.roomId),
      ["L1", "L2", "L3"],
    );
    const marathon = await driver.query({ name: "lobby", mode: "marathon" } as Partial<IRoomCache>);
    assert.deepEqual(
      marathon.map((room) => room.roomId),
      ["L3"],
      "unsorted, through the lobbies' own hash",
    );
    assert.equal((await driver.findOne({ name: "race" })).roomId, "R1");
    assert.deepEqual((await driver.query({ processId: "p1" })).map((room) => room.roomId).sort(), [
      "L1",
      "L2",
      "L3",
      "R1",
    ]);
  });
});
