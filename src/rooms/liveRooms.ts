/**
 * Questions the HTTP API (and the sweep for abandoned races) asks of live rooms, wherever they run:
 * a room of this process answers directly; any other is found through the matchmaker's driver
 * (Redis when several processes share it) and reached by a remote call to the process hosting it.
 * Neither may hang a request when Redis is away or partitioned.
 */
import { matchMaker } from "@colyseus/core";
import { withTimeout } from "../deadline.ts";
import type { RaceSnapshot } from "../game/race/race.ts";
import { type LiveRace, RoomName } from "../protocol.ts";
import type { LobbyDescription, LobbyRoom } from "./LobbyRoom.ts";
import type { RaceListing } from "./raceListing.ts";
import type { TypingRoom } from "./TypingRoom.ts";

/** How many races GET /api/v1/games/live lists at most. */
const LIVE_RACES_LISTED = 50;

/** How long a question may wait for the shared listing, or for a room of another process. */
const LIVE_ROOM_TIMEOUT_MS = 1_000;

/** The shared listing of rooms cannot be read: whether a room lives on another process is unknown. */
export class LiveRoomsUnreachable extends Error {
  override name = "LiveRoomsUnreachable";
}

async function liveRoomId(roomId: string, roomName: string): Promise<string | undefined> {
  const here = matchMaker.getLocalRoomById(roomId);
  if (here) return here.roomName === roomName ? roomId : undefined;
  const listing = await withTimeout(matchMaker.getRoomById(roomId), LIVE_ROOM_TIMEOUT_MS).catch(
    (error: Error) => {
      throw new LiveRoomsUnreachable(`the room listing did not answer: ${error.message}`);
    },
  );
  return listing?.name === roomName ? listing.roomId : undefined;
}

/** A room's answer; undefined when it does not give one in time (gone meanwhile, or its process). */
function ask<R>(roomId: string, method: string, args?: unknown[]): Promise<R | undefined> {
  return withTimeout(matchMaker.remoteRoomCall(roomId, method, args), LIVE_ROOM_TIMEOUT_MS).catch(
    () => undefined,
  );
}

/** undefined: no such lobby (never existed, or its race has started). */
export async function describeLobby(roomId: string): Promise<LobbyDescription | undefined> {
  const id = await liveRoomId(roomId, RoomName.LOBBY);
  if (!id) return undefined;
  return ask<LobbyDescription>(id, "describe" satisfies keyof LobbyRoom);
}

/** "no-lobby" | "not-in-lobby" | "removed": what happened to the user's leave request. */
export async function leaveLobby(
  roomId: string,
  userId: string,
): Promise<"no-lobby" | "not-in-lobby" | "removed"> {
  const id = await liveRoomId(roomId, RoomName.LOBBY);
  if (!id) return "no-lobby";
  const removed = await ask<boolean>(id, "removePlayer" satisfies keyof LobbyRoom, [userId]);
  if (removed === undefined) return "no-lobby";
  return removed ? "removed" : "not-in-lobby";
}

/** The live race of this game (its room id is the game id), or undefined once the room is gone. */
export async function describeRace(gameId: string): Promise<RaceSnapshot | undefined> {
  const id = await liveRoomId(gameId, RoomName.RACE);
  if (!id) return undefined;
  return ask<RaceSnapshot>(id, "describe" satisfies keyof TypingRoom);
}

/**
 * The public races in countdown or racing, on every process, newest first. Their listings say
 * which (without a call to each); each listed one then describes itself, and a race that closed
 * in between is left out.
 */
export async function liveRaces(): Promise<LiveRace[]> {
  const listings = await withTimeout(matchMaker.query({ name: RoomName.RACE }), LIVE_ROOM_TIMEOUT_MS).catch(
    (error: Error) => {
      throw new LiveRoomsUnreachable(`the room listing did not answer: ${error.message}`);
    },
  );
  const candidates = listings
    .filter(({ metadata }) => {
      const listing = metadata as Partial<RaceListing> | undefined;
      return listing?.mode === "public" && listing.status !== "finished";
    })
    .sort((a, b) => new Date(b.createdAt ?? 0).getTime() - new Date(a.createdAt ?? 0).getTime())
    .slice(0, LIVE_RACES_LISTED);
  const races = await Promise.all(
    candidates.map(({ roomId }) => ask<LiveRace>(roomId, "describeLive" satisfies keyof TypingRoom)),
  );
  return races.filter((race): race is LiveRace => race !== undefined && race.status !== "finished");
}

/** Of these games, those whose race room is listed on a live process (one read of the listing). */
export async function racesHosted(gameIds: string[]): Promise<Set<string>> {
  const listings = await matchMaker.findRoomsByIds(gameIds);
  return new Set(
    [...listings.values()].filter((room) => room.name === RoomName.RACE).map((room) => room.roomId),
  );
}
