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

/**
 * Answers every message type `room` has no handler for with UNKNOWN_MESSAGE, changing nothing;
 * or with what `refusalFor` says of the client sending it, when it says anything.
 */
export function rejectUnknownMessages<C extends Client>(
  room: Room,
  metrics: GameMetrics,
  refusalFor: (client: C) => { code: RoomErrorCode; message: string } | undefined = () => undefined,
): void {
  room.onMessage("*", (client: C, type: string | number) => {
    const refusal = refusalFor(client) ?? {
      code: RoomErrorCode.UNKNOWN_MESSAGE,
      message: `unknown message type ${JSON.stringify(type)}`,
    };
    rejectMessage(metrics, client, refusal.code, refusal.message);
  });
}
