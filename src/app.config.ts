/**
 * The whole game server in one place: its rooms, transport, matchmaking backend and HTTP app, and
 * the adaptations of Colyseus (src/colyseus/) it runs with.
 */
import { defineRoom, defineServer, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type express from "express";
import { type ApiDependencies, mountApi } from "./api/app.ts";
import { applyCorsAllowList } from "./colyseus/cors.ts";
import { serveThroughExpress } from "./colyseus/httpFront.ts";
import { colyseusLogger } from "./colyseus/logger.ts";
import { seatOwnersOnly } from "./colyseus/seatOwners.ts";
import { createHttpServer } from "./httpServer.ts";
import type { Logger } from "./log.ts";
import { RoomName } from "./protocol.ts";
import { LobbyRoom } from "./rooms/LobbyRoom.ts";
import { PrivateRoom } from "./rooms/PrivateRoom.ts";
import type { JoinContext, RoomServices } from "./rooms/services.ts";
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
  /** 0: no cap (and none behind a trusted proxy, which sees to it) */
  maxConnectionsPerIp: number;
}

export function createGameServer(options: GameServerOptions) {
  const services = options.rooms;
  applyCorsAllowList(options.api.auth.corsOrigins);

  return defineServer({
    rooms: {
      [RoomName.LOBBY]: defineRoom(
        class extends LobbyRoom {
          override services = services;
          static override async onAuth(_token: string, options: unknown, context: JoinContext) {
            return LobbyRoom.admit(options, context, services.timings.raceWords);
          }
        },
      ).filterBy(["words"]),
      [RoomName.PRIVATE]: defineRoom(
        class extends PrivateRoom {
          override services = services;
          static override onAuth(_token: string, options: unknown, context: JoinContext) {
            return PrivateRoom.admit(options, context, services.timings.raceWords);
          }
        },
      ),
      [RoomName.RACE]: defineRoom(
        class extends TypingRoom {
          override services = services;
        },
      ),
    },
    transport: new WebSocketTransport({
      server: createHttpServer({ maxConnectionsPerIp: options.maxConnectionsPerIp }),
      maxPayload: MAX_WEBSOCKET_PAYLOAD_BYTES,
      // The seat's owner passed the full check when matchmaking reserved it.
      beforeUpgrade: seatOwnersOnly((token) => services.tokens.signedUserId(token)),
    }),
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

export type GameServer = ReturnType<typeof createGameServer>;

/**
 * Listens, then has Express serve every request but Colyseus's preflights and health check
 * (src/colyseus/httpFront.ts).
 * Upstream: Colyseus only logs a listening error (a port in use) and never settles `listen`, which
 * would leave a process running that serves nothing; here it rejects.
 */
export async function listen(server: GameServer, port: number, host: string, backlog: number): Promise<void> {
  const transport = server.transport as WebSocketTransport;
  const http = transport.server!;
  let onError!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => {
    onError = reject;
    http.once("error", onError);
  });
  try {
    await Promise.race([server.listen(port, host, backlog), failed]);
  } finally {
    http.off("error", onError);
  }
  serveThroughExpress(http, transport.getExpressApp() as express.Application);
}
