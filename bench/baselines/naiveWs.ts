/**
 * Baseline (b): the naive design of the seed and most clones. A plain `ws` server puts connections in
 * rooms of 5 in arrival order and relays every keystroke as JSON to the other players of the room:
 * in `{ type: "key", key }`, out `{ type: "key", player, key }`. No state, no validation, no patches.
 *
 * `PORT=… node bench/baselines/naiveWs.ts` prints "listening <port>" when ready.
 */
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import type { NaiveServerMessage } from "../systems.ts";

const ROOM_SIZE = 5;

interface Player {
  id: number;
  socket: WebSocket;
  room: Set<Player>;
}

let nextPlayer = 1;
let nextRoom = 1;
let filling = { id: nextRoom, players: new Set<Player>() };

const server = new WebSocketServer({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
server.on("connection", (socket) => {
  if (filling.players.size >= ROOM_SIZE) filling = { id: ++nextRoom, players: new Set() };
  const player: Player = { id: nextPlayer++, socket, room: filling.players };
  player.room.add(player);
  const welcome: NaiveServerMessage = { type: "welcome", player: player.id, room: filling.id };
  socket.send(JSON.stringify(welcome));

  socket.on("message", (data) => {
    let message: { type?: unknown; key?: unknown };
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message.type !== "key") return;
    const relay = JSON.stringify({ type: "key", player: player.id, key: message.key });
    for (const other of player.room) if (other !== player) other.socket.send(relay);
  });
  socket.on("close", () => player.room.delete(player));
});
server.on("listening", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
