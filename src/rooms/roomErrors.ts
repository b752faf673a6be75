import type { Client, Room } from "@colyseus/core";
import type { GameMetrics } from "../metrics.ts";
import { RoomErrorCode, type RoomErrorMessage, ServerMessage } from "../protocol.ts";

/** The one way a room tells a client its message was rejected (and nothing changed). */
export function rejectMessage(
  metrics: GameMetrics,
  client: Client,
  code: RoomErrorCode,
  message: string,
): void {
  metrics.rejected(code);
  client.send(ServerMessage.ERROR, { code, message } satisfies RoomErrorMessage);
}

/** Answers every message type `room` has no handler for with UNKNOWN_MESSAGE, changing nothing. */
export function rejectUnknownMessages(room: Room, metrics: GameMetrics): void {
  room.onMessage("*", (client: Client, type: string | number) =>
    rejectMessage(
      metrics,
      client,
      RoomErrorCode.UNKNOWN_MESSAGE,
      `unknown message type ${JSON.stringify(type)}`,
    ),
  );
}
