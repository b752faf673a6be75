/**
 * Matchmaking load: players readied beforehand (Typephoon's guests signed in), then all asking for a
 * room within a short spread. Each join records its latency (joinOrCreate asked -> room joined), the
 * room it landed in, the most players that room's state ever showed, and for Typephoon when
 * `game_start` arrived. The bare baseline's players join its room of 5 directly: the framework's
 * own join, with no lobby, race, token or database behind it; or its bare lobby, whose `game_start`
 * is timed as Typephoon's.
 */
import { Client, type Room } from "@colyseus/sdk";
import type { LobbyStateShape } from "../../src/protocol.ts";
import { BARE_LOBBY, BARE_ROOM, type MatchmakingSystem } from "../systems.ts";
import type { Endpoint } from "./connectors/seat.ts";
import { queue, sdkClient, signInGuest } from "./connectors/typephoon.ts";
import type { JoinRecord, WorkerRequest } from "./protocol.ts";

/** Joins a room; `gameStart` settles when the player holds a race seat (not in the bare room). */
type Join = () => Promise<{ room: Room; gameStart?: Promise<unknown> }>;

let joiners: Join[] = [];
const rooms: Room[] = [];

function typephoonJoiner(client: Client): Join {
  return async () => {
    const { lobby, gameStart } = await queue(client);
    return { room: lobby, gameStart };
  };
}

export async function prepareGuests(system: MatchmakingSystem, endpoints: Endpoint[], count: number) {
  const started = performance.now();
  joiners = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, async (_, j): Promise<Join> => {
      const endpoint = endpoints[(i + j) % endpoints.length]!;
      if (system === "bare") {
        const client = new Client(endpoint.ws);
        return async () => ({ room: await client.joinOrCreate(BARE_ROOM) });
      }
      if (system === "bareLobby") {
        const client = new Client(endpoint.ws);
        return async () => {
          const room = await client.joinOrCreate(BARE_LOBBY);
          return { room, gameStart: new Promise((resolve) => room.onMessage("game_start", resolve)) };
        };
      }
      return typephoonJoiner(sdkClient(endpoint, await signInGuest(endpoint)));
    });
    joiners.push(...(await Promise.all(batch)));
  }
  return { players: joiners.length, ms: performance.now() - started };
}

/** Player i of this worker asks at `at + (i * slots + slot) * spreadMs / (players * slots)`. */
export async function joinLobbies(
  request: Extract<WorkerRequest, { cmd: "mm:join" }>,
): Promise<JoinRecord[]> {
  const total = joiners.length * request.slots;
  const joins = joiners.map(async (join, i) => {
    const askAt = request.at + ((i * request.slots + request.slot) * request.spreadMs) / total;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, askAt - Date.now())));
    const record: JoinRecord = { askedAt: Date.now(), maxPlayersSeen: 0, maxPlayers: 0 };
    const asked = performance.now();
    try {
      const { room, gameStart } = await join();
      record.latencyMs = performance.now() - asked;
      record.joinedAt = Date.now();
      record.lobbyId = room.roomId;
      rooms.push(room);
      room.onStateChange((state: Pick<LobbyStateShape, "players"> & { maxPlayers?: number }) => {
        record.maxPlayersSeen = Math.max(record.maxPlayersSeen, state.players.size);
        record.maxPlayers = state.maxPlayers ?? 0;
      });
      if (!gameStart) return record;
      await Promise.race([
        gameStart.then(() => {
          record.gameStartAt = Date.now();
        }),
        new Promise((_, reject) => setTimeout(reject, request.timeoutMs, new Error("no game_start in time"))),
      ]);
    } catch (error) {
      record.error = (error as Error).message;
    }
    return record;
  });
  return Promise.all(joins);
}

/** After the burst (not during it: the server's CPU over the burst would count the leaves). */
export async function leaveRooms(): Promise<number> {
  const left = rooms.splice(0).filter((room) => room.connection?.isOpen);
  await Promise.all(left.map((room) => room.leave().catch(() => {})));
  return left.length;
}
