/**
 * A room's connection as the player sees it: a banner while the SDK reconnects by itself after a
 * drop (the server keeps the player's place meanwhile), gone once it is back.
 */
import type { Room } from "@colyseus/sdk";
import type { App } from "../app.ts";

export interface ConnectionWatch {
  /** The connection is down and the SDK is reconnecting. */
  onDropped?(): void;
  onReconnected?(): void;
  /** The room's connection closed for good (a leave, a refusal, or reconnection gave up). */
  onClosed(code: number, reason: string | undefined): void;
}

export function watchConnection(app: App, room: Room, watch: ConnectionWatch): void {
  // Only the banner this watch put up is its to take down (a lobby's "restarting" is not).
  let reconnecting = false;
  const settled = () => {
    if (reconnecting) app.banner(undefined);
    reconnecting = false;
  };
  room.onDrop(() => {
    reconnecting = true;
    app.banner("Connection lost. Reconnecting…");
    watch.onDropped?.();
  });
  room.onReconnect(() => {
    settled();
    watch.onReconnected?.();
  });
  room.onLeave((code, reason) => {
    settled();
    watch.onClosed(code, reason);
  });
}
