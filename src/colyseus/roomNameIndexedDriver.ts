/**
 * The matchmaker's Redis driver, with the listings of some room names also kept in a hash of their
 * own. `@colyseus/redis-driver` finds a lobby by reading every room's listing (`HGETALL`), races
 * included, so each player's search cost grew with the races running on all processes (`npm run
 * bench:search` measures it). Searches by an indexed name read only that name's hash; everything else is
 * the library's driver on its own keys. A process with the library's driver alone lists its rooms
 * only in `roomcaches`: its lobbies are still joined by id, but this driver's searches miss them.
 */
import {
  type IRoomCache,
  initializeRoomCache,
  type MatchMakerDriver,
  type SortOptions,
} from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import type { ChainableCommander, Redis } from "ioredis";

/** The hash `@colyseus/redis-driver` keeps every listing in. */
const ALL_ROOMS_KEY = "roomcaches";
const indexKey = (roomName: string) => `${ALL_ROOMS_KEY}:${roomName}`;

type Conditions = Partial<IRoomCache> & Record<string, unknown>;
type Operations = Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>;

export class RoomNameIndexedDriver implements MatchMakerDriver {
  readonly #redis: Redis;
  readonly #all: RedisDriver;
  readonly #indexed: ReadonlySet<string>;

  /** `indexedNames`: the room names players search by name (the lobby). */
  constructor(redis: Redis, indexedNames: readonly string[]) {
    this.#redis = redis;
    this.#all = new RedisDriver(redis);
    this.#indexed = new Set(indexedNames);
  }

  has(roomId: string) {
    return this.#all.has(roomId);
  }

  findByIds(roomIds: string[]) {
    return this.#all.findByIds(roomIds);
  }

  async query(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    if (!this.#isIndexed(conditions, sortOptions)) return this.#all.query(conditions, sortOptions);
    return (await this.#listingsNamed(conditions.name!)).filter(matching(conditions));
  }

  async findOne(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache> {
    if (!this.#isIndexed(conditions, sortOptions) || conditions.roomId !== undefined) {
      return this.#all.findOne(conditions, sortOptions);
    }
    // The driver contract's "none" is undefined, typed as a listing.
    return (await this.query(conditions, sortOptions))[0] as IRoomCache;
  }

  async update(room: IRoomCache, operations: Operations): Promise<boolean> {
    const fields = room as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(operations.$set ?? {})) fields[field] = value;
    for (const [field, by] of Object.entries(operations.$inc ?? {})) {
      fields[field] = (fields[field] as number) + (by as number);
    }
    return this.persist(room);
  }

  async persist(room: IRoomCache): Promise<boolean> {
    if (!room.roomId) return false;
    const listing = JSON.stringify(room);
    const write = this.#redis.multi().hset(ALL_ROOMS_KEY, room.roomId, listing);
    if (this.#indexed.has(room.name)) write.hset(indexKey(room.name), room.roomId, listing);
    await applied(write);
    return true;
  }

  async remove(roomId: string): Promise<boolean> {
    const write = this.#redis.multi().hdel(ALL_ROOMS_KEY, roomId);
    for (const name of this.#indexed) write.hdel(indexKey(name), roomId);
    const [removed] = await applied(write);
    return Number(removed) > 0;
  }

  /** A dead process's rooms, gone from every hash. */
  async cleanup(processId: string): Promise<void> {
    const stale = await this.#all.query({ processId });
    await this.#all.cleanup(processId);
    const write = this.#redis.multi();
    for (const room of stale) if (this.#indexed.has(room.name)) write.hdel(indexKey(room.name), room.roomId);
    await applied(write);
  }

  /** Forgets every listing (Colyseus's tests and dev mode). */
  async clear(): Promise<void> {
    await this.#redis.del(ALL_ROOMS_KEY, ...[...this.#indexed].map(indexKey));
  }

  shutdown() {
    return this.#all.shutdown();
  }

  /**
   * Whether the indexed hash answers this search: by an indexed name, and unsorted (the lobby
   * defines no order; a sorted search is left to the library).
   */
  #isIndexed(conditions: Conditions, sortOptions: SortOptions | undefined): boolean {
    const unsorted = sortOptions === undefined || Object.keys(sortOptions).length === 0;
    return unsorted && typeof conditions.name === "string" && this.#indexed.has(conditions.name);
  }

  async #listingsNamed(roomName: string): Promise<IRoomCache[]> {
    const listings = await this.#redis.hgetall(indexKey(roomName));
    return Object.values(listings).map((listing) => initializeRoomCache(JSON.parse(listing)));
  }
}

/** Runs a MULTI; its replies, or the first command's error. */
async function applied(write: ChainableCommander): Promise<unknown[]> {
  const results = (await write.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return results.map(([, reply]) => reply);
}

/** As `@colyseus/redis-driver` matches: a listing's own field, else its metadata's. */
function matching(conditions: Conditions) {
  const wanted = Object.entries(conditions);
  return (room: IRoomCache) =>
    wanted.every(([field, value]) => {
      if (Object.hasOwn(room, field)) return (room as unknown as Record<string, unknown>)[field] === value;
      return (
        room.metadata !== undefined && Object.hasOwn(room.metadata, field) && room.metadata[field] === value
      );
    });
}
