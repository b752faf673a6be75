/**
 * Racing a ghost from the page ("Race your best", "Race this ghost"): a private room of one made on
 * the spot (src/party.ts), its ghost set to the chosen result, started once the room shows it. The
 * room's `game_start` shows the race like any of its races; Race again on the results races the
 * same ghost again.
 */
import type { GhostChoice } from "../../src/protocol.ts";
import type { App } from "./app.ts";
import { JoinFailure } from "./rooms.ts";

/** Races `ghost` at once; on failure, says why in the notice line. */
export async function raceGhost(app: App, ghost: GhostChoice): Promise<void> {
  try {
    await app.party.create({});
  } catch (error) {
    if (error instanceof JoinFailure && error.kind === "unreachable") return app.unreachable();
    app.notice(`Could not race that ghost: ${(error as Error).message}`);
    return;
  }
  // The room reads the result first; a ghost it cannot race is refused (INVALID_SETTINGS, said
  // on the notice line by the party's own error handling).
  const stop = app.party.watch((state) => {
    if (state.ghost?.gameId !== ghost.gameId || state.ghost.userId !== ghost.userId) return;
    stop();
    app.party.start();
  });
  app.party.settings({ ghost });
}
