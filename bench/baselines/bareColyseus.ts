/**
 * Baseline (a): the framework's own ceiling. A Colyseus 0.18 server with one room type whose state is
 * a map of players { wordIndex, charIndex }, moved by `key` messages without any validation, stats,
 * anti-cheat or database; rooms of 5, the same WebSocket transport, and patches every PATCH_MS (the
 * bench gives it Typephoon's race interval, so CPU per keystroke compares the same number of patches;
 * Colyseus's default, 50 ms, without it).
 *
 * `PORT=… [PATCH_MS=…] node bench/baselines/bareColyseus.ts` prints "listening <port>" when ready.
 */
import type { AddressInfo } from "node:net";
import { type Client, defineRoom, defineServer, Room } from "@colyseus/core";
import { type SchemaType, schema, t } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { BARE_ROOM } from "../systems.ts";

const Cursor = schema({ wordIndex: t.uint16().default(0), charIndex: t.uint16().default(0) }, "Cursor");
const CursorState = schema({ players: t.map(Cursor) }, "CursorState");
type CursorState = SchemaType<typeof CursorState>;

const PATCH_MS = Number(process.env.PATCH_MS ?? 50);

class CursorRoom extends Room<{ state: CursorState }> {
  override maxClients = 5;
  override state = new CursorState();

  override onCreate() {
    this.patchRate = PATCH_MS;
    this.onMessage("key", (client: Client, payload: { key?: unknown }) => {
      const cursor = this.state.players.get(client.sessionId);
      if (!cursor) return;
      if (payload?.key === " ") {
        cursor.wordIndex++;
        cursor.charIndex = 0;
      } else if (payload?.key === "Backspace") {
        cursor.charIndex = Math.max(0, cursor.charIndex - 1);
      } else {
        cursor.charIndex++;
      }
    });
  }

  override onJoin(client: Client) {
    this.state.players.set(client.sessionId, new Cursor());
  }

  override onLeave(client: Client) {
    this.state.players.delete(client.sessionId);
  }
}

const server = defineServer({
  rooms: { [BARE_ROOM]: defineRoom(CursorRoom) },
  transport: new WebSocketTransport(),
  greet: false,
});
await server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
console.log(`listening ${(server.transport.server!.address() as AddressInfo).port}`);
