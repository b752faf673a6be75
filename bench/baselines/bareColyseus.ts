/**
 * Baseline (a): the framework's own ceiling. A Colyseus 0.18 server with one room type whose state is
 * a map of players { wordIndex, charIndex }, moved by `key` messages without any validation, stats,
 * anti-cheat or database; rooms of 5, the same WebSocket transport, and patches every PATCH_MS (the
 * bench gives it Typephoon's race interval, so CPU per keystroke compares the same number of patches;
 * Colyseus's default, 50 ms, without it).
 *
 * Its second room type, the bare lobby, is the shape of Typephoon's matchmaking in the bare framework:
 * players queue in a lobby of 5 whose state lists them; when it is full (or its countdown ends) it
 * creates a cursor room, reserves a seat there for each player, sends each its seat in `game_start`
 * and closes. No token, database, text, race model or option checks: what the protocol's two rooms
 * cost the framework alone, beside Typephoon's join in the burst.
 *
 * `PORT=… [PATCH_MS=…] node bench/baselines/bareColyseus.ts` prints "listening <port>" when ready.
 */
import type { AddressInfo } from "node:net";
import { type Client, ClientState, defineRoom, defineServer, matchMaker, Room } from "@colyseus/core";
import { type SchemaType, schema, t } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { BARE_LOBBY, BARE_ROOM } from "../systems.ts";

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

const Queued = schema({ id: t.string() }, "Queued");
const QueueState = schema({ players: t.map(Queued), startsAt: t.number() }, "QueueState");
type QueueState = SchemaType<typeof QueueState>;

/** Typephoon's defaults: LOBBY_MAX_PLAYERS, LOBBY_COUNTDOWN_MS, and how long a closing lobby waits. */
const LOBBY_PLAYERS = 5;
const LOBBY_COUNTDOWN_MS = 10_000;
const DELIVERY_WAIT_MS = 5_000;

class QueueRoom extends Room<{ state: QueueState }> {
  override maxClients = LOBBY_PLAYERS;
  override state = new QueueState();
  #started = false;

  override onCreate() {
    this.state.startsAt = Date.now() + LOBBY_COUNTDOWN_MS;
    this.clock.setTimeout(() => this.#start(), LOBBY_COUNTDOWN_MS);
  }

  override onJoin(client: Client) {
    this.state.players.set(client.sessionId, new Queued({ id: client.sessionId }));
    if (this.clients.length >= this.maxClients) this.#start();
  }

  override onLeave(client: Client) {
    if (!this.#started) this.state.players.delete(client.sessionId);
  }

  async #start() {
    if (this.#started) return;
    this.#started = true;
    this.lock();
    const players = [...this.clients];
    const race = await matchMaker.createRoom(BARE_ROOM, {});
    await Promise.all(
      players.map(async (client) => {
        const reservation = await matchMaker.reserveSeatFor(race, {});
        client.send("game_start", { roomId: race.roomId, reservation });
      }),
    );
    // As Typephoon's lobby: a player still joining would lose `game_start` with a closed lobby.
    if (players.some((client) => client.state === ClientState.JOINING)) {
      this.clock.setTimeout(() => this.disconnect(), DELIVERY_WAIT_MS);
    } else {
      await this.disconnect();
    }
  }
}

const server = defineServer({
  rooms: { [BARE_ROOM]: defineRoom(CursorRoom), [BARE_LOBBY]: defineRoom(QueueRoom) },
  transport: new WebSocketTransport(),
  greet: false,
});
await server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
console.log(`listening ${(server.transport.server!.address() as AddressInfo).port}`);
