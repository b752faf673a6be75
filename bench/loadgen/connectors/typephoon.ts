/**
 * A Typephoon player, the real way: sign in as a guest over HTTP, queue in a lobby, take the race
 * seat from `game_start`, and type the race's own text (the server validates every key).
 */
import { Client, type Room } from "@colyseus/sdk";
import {
  ClientMessage,
  type GameStartMessage,
  type RaceStateShape,
  type ReconnectMessage,
  type RoomErrorMessage,
  RoomName,
  ServerMessage,
} from "../../../src/protocol.ts";
import type { Racer, Tally } from "../racer.ts";
import { type Connector, countMessages, type Endpoint, followOpponents } from "./seat.ts";

export interface Guest {
  id: string;
  accessToken: string;
}

export async function signInGuest(endpoint: Endpoint): Promise<Guest> {
  const response = await fetch(`${endpoint.http}/api/v1/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const body = (await response.json()) as {
    ok: boolean;
    data?: { user: { id: string }; accessToken: string };
  };
  if (!body.ok || !body.data)
    throw new Error(`guest sign-in failed: ${response.status} ${JSON.stringify(body)}`);
  return { id: body.data.user.id, accessToken: body.data.accessToken };
}

export function sdkClient(endpoint: Endpoint, guest: Guest): Client {
  const client = new Client(endpoint.ws);
  client.auth.token = guest.accessToken;
  return client;
}

/** How often a player told `reconnect` queues again before the bench counts them unseated. */
const REQUEUES = 3;

/**
 * Queues in a lobby; resolves with the lobby once joined and the race seat once a lobby starts. Told
 * `reconnect` (the lobby regrouped into an older one, or its process is shutting down), the player
 * queues again, as the protocol asks.
 */
export async function queue(client: Client, requeues = REQUEUES) {
  const lobby = await client.joinOrCreate(RoomName.LOBBY);
  const gameStart = new Promise<GameStartMessage>((resolve, reject) => {
    lobby.onMessage(ServerMessage.GAME_START, resolve);
    lobby.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => reject(new Error(error.code)));
    lobby.onMessage(ServerMessage.RECONNECT, ({ reason }: ReconnectMessage) => {
      lobby.leave().catch(() => {});
      if (requeues === 0) reject(new Error(`told to queue again (${reason}) ${REQUEUES + 1} times`));
      else
        queue(client, requeues - 1)
          .then((again) => again.gameStart)
          .then(resolve, reject);
    });
  });
  return { lobby, gameStart };
}

export const typephoonRacer: Connector = async (racer: Racer, endpoint: Endpoint, tally: Tally) => {
  const guest = await signInGuest(endpoint);
  const client = sdkClient(endpoint, guest);
  const { gameStart } = await queue(client);
  const { reservation } = await gameStart;
  const race = (await client.consumeSeatReservation(reservation)) as Room<unknown, RaceStateShape>;
  const state = await new Promise<RaceStateShape>((resolve) => race.onStateChange.once(resolve));
  racer.register(guest.id);
  countMessages(race, tally);
  followOpponents(race, racer);
  race.onMessage(ServerMessage.ERROR, () => tally.rejections++);
  race.onMessage(ServerMessage.FINISHED, () => {});
  race.onLeave(() => {
    if (racer.typing) tally.disconnects++;
  });
  return {
    roomId: race.roomId,
    words: [...state.words],
    typingOpensAt: state.startsAt,
    send: (key) => race.send(ClientMessage.KEY, { key }),
    leave: async () => {
      if (race.connection?.isOpen) await race.leave();
    },
  };
};
