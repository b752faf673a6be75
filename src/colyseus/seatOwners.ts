/**
 * A seat is taken only with its owner's token. Upstream: when a room type has a static onAuth,
 * Colyseus does not authenticate the WebSocket that takes a seat reserved with auth data (Room's
 * `_onJoin`, "authedStatically"): the reservation alone is a bearer secret, and a join that fails
 * deletes the seat. So the WebSocket upgrade (the transport's documented `beforeUpgrade` hook) is
 * refused, leaving the seat to its owner, unless it carries a token of the user it was reserved for.
 * Seats that keep a dropped player's place are left to Colyseus: their reconnection token is the secret.
 */
import { type BeforeUpgradeHandler, matchMaker } from "@colyseus/core";
import { reservedSeat } from "./seats.ts";

/** The WebSocket path's last segment is the room id (`/<processId>/<roomId>`), as the transport reads it. */
const ROOM_ID_IN_PATH = /\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/;

/** `userOf` answers the token's user id, or undefined when the token does not verify. */
export function seatOwnersOnly(userOf: (token: string) => string | undefined): BeforeUpgradeHandler {
  return (request, context) => {
    const url = new URL(request.url);
    const sessionId = url.searchParams.get("sessionId");
    const roomId = ROOM_ID_IN_PATH.exec(url.pathname)?.[1];
    if (!sessionId || !roomId) return;
    const room = matchMaker.getLocalRoomById(roomId);
    const seat = room && reservedSeat(room, sessionId);
    if (!seat || seat.reconnection) return;
    const owner = (seat.auth as { id?: unknown } | undefined)?.id;
    if (owner === undefined) return;
    const user = context.token ? userOf(context.token) : undefined;
    if (user === undefined) return new Response("sign in first", { status: 401 });
    if (user !== owner) return new Response("this seat is someone else's", { status: 403 });
  };
}
