/**
 * Questions the HTTP API (and the sweep for abandoned races) asks of live rooms, wherever they run:
 * the matchmaker's driver knows every room (Redis when several processes share it) and a remote call
 * reaches the process hosting it.
 */
import { matchMaker } from "@colyseus/core";
import type { RaceSnapshot } from "../game/race/race.ts";
import { RoomName } from "../protocol.ts";
import type { LobbyDescription, LobbyRoom } from "./LobbyRoom.ts";
import type { TypingRoom } from "./TypingRoom.ts";

async function liveRoomId(roomId: string, roomName: string): Promise<string | undefined> {
  const listing = await matchMaker.getRoomById(roomId);
  return listing?.name === roomName ? listing.roomId : undefined;
}

/** undefined: no such lobby (never existed, or its race has started). */
export async function describeLobby(roomId: string): Promise<LobbyDescription | undefined> {
  const id = await liveRoomId(roomId, RoomName.LOBBY);
  if (!id) return undefined;
  return matchMaker.remoteRoomCall<LobbyRoom>(id, "describe").catch(() => undefined);
}

/** "no-lobby" | "not-in-lobby" | "removed": what happened to the user's leave request. */
export async function leaveLobby(
  roomId: string,
  userId: string,
): Promise<"no-lobby" | "not-in-lobby" | "removed"> {
  const id = await liveRoomId(roomId, RoomName.LOBBY);
  if (!id) return "no-lobby";
  const removed: boolean | undefined = await matchMaker
    .remoteRoomCall<LobbyRoom>(id, "removePlayer", [userId])
    .catch(() => undefined);
  if (removed === undefined) return "no-lobby";
  return removed ? "removed" : "not-in-lobby";
}

/** The live race of this game (its room id is the game id), or undefined once the room is gone. */
export async function describeRace(gameId: string): Promise<RaceSnapshot | undefined> {
  const id = await liveRoomId(gameId, RoomName.RACE);
  if (!id) return undefined;
  return matchMaker.remoteRoomCall<TypingRoom>(id, "describe").catch(() => undefined);
}

/** Of these games, those whose race room is listed on a live process (one read of the listing). */
export async function racesHosted(gameIds: string[]): Promise<Set<string>> {
  const listings = await matchMaker.findRoomsByIds(gameIds);
  return new Set(
    [...listings.values()].filter((room) => room.name === RoomName.RACE).map((room) => room.roomId),
  );
}
