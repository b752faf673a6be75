/**
 * Racing a ghost from the page ("Race your best", "Race this ghost"): a private room of one made on
 * the spot, its ghost set to the chosen result, started at once; its `game_start` is followed into
 * the race screen like a lobby's. The room lives as long as the player's race connection, so that
 * it hears its race end. (A flow of its own for now: the practice flow of the private rooms' screens
 * is where it belongs.)
 */
import { Client, type Room } from "@colyseus/sdk";
import {
  ClientMessage,
  type GameStartMessage,
  type GhostChoice,
  type PrivateStateShape,
  type RoomErrorMessage,
  RoomName,
  ServerMessage,
  type SettingsMessage,
} from "../../src/protocol.ts";
import type { App } from "./app.ts";

/** Races `ghost` at once; on failure, says why in the notice line. */
export async function raceGhost(app: App, ghost: GhostChoice): Promise<void> {
  const token = await app.sessions.freshToken();
  if (!token) {
    app.navigate({ screen: "home" }, { notice: "Choose a name (or sign in) to play." });
    return;
  }
  const sdk = new Client(location.origin.replace(/^http/, "ws"));
  sdk.auth.token = token;
  let party: Room<unknown, PrivateStateShape> | undefined;
  try {
    party = await sdk.create<PrivateStateShape>(RoomName.PRIVATE, {});
    const room = party;
    const start = await new Promise<GameStartMessage>((resolve, reject) => {
      let startAsked = false;
      room.onMessage(ServerMessage.GAME_START, resolve);
      // The server's own words: they say what was wrong with the ghost.
      room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => reject(new Error(error.message)));
      room.onLeave(() => reject(new Error("The room closed before the race started.")));
      // Started once the room shows the ghost it read.
      room.onStateChange((state) => {
        if (startAsked || state.ghost?.gameId !== ghost.gameId || state.ghost.userId !== ghost.userId) return;
        startAsked = true;
        room.send(ClientMessage.START);
      });
      room.send(ClientMessage.SETTINGS, { ghost } satisfies SettingsMessage);
    });
    const race = await app.rooms.takeSeat(start);
    race.onLeave(() => room.leave().catch(() => {}));
    app.navigate({ screen: "race", gameId: start.gameId });
  } catch (error) {
    party?.leave().catch(() => {});
    app.notice(`Could not race that ghost: ${(error as Error).message}`);
  }
}
