/** A player of the bare Colyseus baseline: joinOrCreate the cursor room directly, no lobby. */
import { Client } from "@colyseus/sdk";
import { pickWords } from "../../../src/game/text.ts";
import { BARE_ROOM } from "../../systems.ts";
import type { Racer, Tally } from "../racer.ts";
import { type Connector, countMessages, type Endpoint, followOpponents } from "./seat.ts";

/** As long as a Typephoon bench race; the bare room never looks at the text. */
const WORDS = 500;

export const bareRacer: Connector = async (racer: Racer, endpoint: Endpoint, tally: Tally) => {
  const room = await new Client(endpoint.ws).joinOrCreate(BARE_ROOM);
  await new Promise((resolve) => room.onStateChange.once(resolve));
  racer.register(room.sessionId);
  countMessages(room, tally);
  followOpponents(room, racer);
  room.onLeave(() => {
    if (racer.typing) tally.disconnects++;
  });
  return {
    roomId: room.roomId,
    words: pickWords(WORDS, Math.random),
    typingOpensAt: Date.now(),
    send: (key) => room.send("key", { key }),
    leave: async () => {
      if (room.connection?.isOpen) await room.leave();
    },
  };
};
