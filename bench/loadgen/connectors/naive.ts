/** A player of the naive ws baseline: one socket, JSON keys out, every opponent's key relayed in. */
import { once } from "node:events";
import { WebSocket } from "ws";
import { pickWords } from "../../../src/game/text.ts";
import type { NaiveServerMessage } from "../../systems.ts";
import type { Racer, Tally } from "../racer.ts";
import type { Connector, Endpoint } from "./seat.ts";

const WORDS = 500;

export const naiveRacer: Connector = async (racer: Racer, endpoint: Endpoint, tally: Tally) => {
  const socket = new WebSocket(endpoint.ws);
  const welcome = new Promise<Extract<NaiveServerMessage, { type: "welcome" }>>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("message", (data) => {
      tally.messagesReceived++;
      const message = JSON.parse(String(data)) as NaiveServerMessage;
      if (message.type === "key") racer.seeRelayedKey(String(message.player), performance.now());
      else resolve(message);
    });
  });
  const { player, room } = await welcome;
  racer.register(String(player));
  socket.on("close", () => {
    if (racer.typing) tally.disconnects++;
  });
  return {
    roomId: String(room),
    words: pickWords(WORDS, Math.random),
    typingOpensAt: Date.now(),
    send: (key) => socket.send(JSON.stringify({ type: "key", key })),
    leave: async () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.close();
      await once(socket, "close");
    },
  };
};
