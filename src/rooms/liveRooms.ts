/**
 * Questions the HTTP API asks of live rooms, wherever they run: the matchmaker's driver knows every
 * room (Redis when several processes share it) and a remote call reaches the process hosting it.
 */
import { matchMaker } from "@colyseus/core";
import type { RaceSnapshot } from "../game/race/race.ts";
import { type LiveRace, RoomName } from "../protocol.ts";
import type { LobbyDescription, LobbyRoom } from "./LobbyRoom.ts";
import type { RaceListing, TypingRoom } from "./TypingRoom.ts";

/** How many races GET /api/v1/games/live lists at most. */
const LIVE_RACES_LISTED = 50;

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

/**
 * The public races in countdown or racing, on every process, newest first. Their listings say
 * which (without a call to each); each listed one then describes itself, and a race that closed
 * in between is left out.
 */
export async function liveRaces(): Promise<LiveRace[]> {
  const listings = await matchMaker.query({ name: RoomName.RACE });
  const candidates = listings
    .filter(({ metadata }) => {
      const listing = metadata as Partial<RaceListing> | undefined;
      return listing?.mode === "public" && listing.status !== "finished";
    })
    .sort((a, b) => new Date(b.createdAt ?? 0).getTime() - new Date(a.createdAt ?? 0).getTime())
    .slice(0, LIVE_RACES_LISTED);
  const races = await Promise.all(
    candidates.map(({ roomId }) =>
      matchMaker.remoteRoomCall<TypingRoom>(roomId, "describeLive").catch(() => undefined),
    ),
  );
  return races.filter((race): race is LiveRace => race !== undefined && race.status !== "finished");
}
