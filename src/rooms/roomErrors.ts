import type { Client } from "@colyseus/core";
import { type RoomErrorCode, type RoomErrorMessage, ServerMessage } from "../protocol.ts";

/** The one way a room tells a client its message was rejected (and nothing changed). */
export function rejectMessage(client: Client, code: RoomErrorCode, message: string): void {
  client.send(ServerMessage.ERROR, { code, message } satisfies RoomErrorMessage);
}
