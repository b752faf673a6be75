import type { Client } from "@colyseus/core";
import type { GameMetrics } from "../metrics.ts";
import { type RoomErrorCode, type RoomErrorMessage, ServerMessage } from "../protocol.ts";

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
