/**
 * Matchmaking load: guests signed in beforehand, then all asking for a lobby within a short spread.
 * Each join records its latency (joinOrCreate asked -> lobby joined), the lobby it landed in, the
 * most players that lobby's state ever showed, and when `game_start` arrived.
 */
import type { Client, Room } from "@colyseus/sdk";
import type { LobbyStateShape } from "../../src/protocol.ts";
import type { Endpoint } from "./connectors/seat.ts";
import { queue, sdkClient, signInGuest } from "./connectors/typephoon.ts";
import type { JoinRecord, WorkerRequest } from "./protocol.ts";

let clients: Client[] = [];
const lobbies: Room[] = [];

export async function prepareGuests(endpoints: Endpoint[], count: number) {
  const started = performance.now();
  clients = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
      const endpoint = endpoints[(i + j) % endpoints.length]!;
      return sdkClient(endpoint, await signInGuest(endpoint));
    });
    clients.push(...(await Promise.all(batch)));
  }
  return { guests: clients.length, ms: performance.now() - started };
}

/** Client i of this worker asks at `at + (i * slots + slot) * spreadMs / (clients * slots)`. */
export async function joinLobbies(
  request: Extract<WorkerRequest, { cmd: "mm:join" }>,
): Promise<JoinRecord[]> {
  const total = clients.length * request.slots;
  const joins = clients.map(async (client, i) => {
    const askAt = request.at + ((i * request.slots + request.slot) * request.spreadMs) / total;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, askAt - Date.now())));
    const record: JoinRecord = { askedAt: Date.now(), maxPlayersSeen: 0, maxPlayers: 0 };
    const asked = performance.now();
    try {
      const { lobby, gameStart } = await queue(client);
      record.latencyMs = performance.now() - asked;
      record.joinedAt = Date.now();
      record.lobbyId = lobby.roomId;
      lobbies.push(lobby);
      lobby.onStateChange((state: LobbyStateShape) => {
        record.maxPlayersSeen = Math.max(record.maxPlayersSeen, state.players.size);
        record.maxPlayers = state.maxPlayers;
      });
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
  const records = await Promise.all(joins);
  for (const lobby of lobbies.splice(0)) if (lobby.connection?.isOpen) lobby.leave().catch(() => {});
  return records;
}
