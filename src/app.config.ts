/**
 * The whole game server in one place: its rooms, transport, matchmaking backend and HTTP app.
 */
import { defineRoom, defineServer, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { type ApiDependencies, mountApi } from "./api/app.ts";
import { colyseusLogger } from "./colyseusLogger.ts";
import type { Logger } from "./log.ts";
import { RoomName } from "./protocol.ts";
import { LobbyRoom } from "./rooms/LobbyRoom.ts";
import { restrictClientMatchmaking } from "./rooms/matchmakingPolicy.ts";
import type { RoomServices } from "./rooms/services.ts";
import { TypingRoom } from "./rooms/TypingRoom.ts";

/** Client messages are single keystrokes; anything near this size is hostile. */
export const MAX_WEBSOCKET_PAYLOAD_BYTES = 2048;

export interface GameServerOptions {
  api: ApiDependencies;
  rooms: RoomServices;
  log: Logger;
  presence?: Presence;
  driver?: MatchMakerDriver;
  publicAddress?: string;
}

export function createGameServer(options: GameServerOptions) {
  restrictClientMatchmaking({ searchInTurn: options.driver !== undefined });
  const services = options.rooms;
  return defineServer({
    rooms: {
      [RoomName.LOBBY]: defineRoom(
        class extends LobbyRoom {
          override services = services;
        },
      ),
      [RoomName.RACE]: defineRoom(
        class extends TypingRoom {
          override services = services;
        },
      ),
    },
    transport: new WebSocketTransport({ maxPayload: MAX_WEBSOCKET_PAYLOAD_BYTES }),
    presence: options.presence,
    driver: options.driver,
    publicAddress: options.publicAddress,
    logger: colyseusLogger(options.log),
    // Shutdown is orchestrated by src/server.ts (database and Redis close after the rooms).
    gracefullyShutdown: false,
    greet: false,
    express: (app) => mountApi(app, options.api),
  });
}
