/**
 * Hands a race's results to the store: each finisher's the moment they finish (then tells them,
 * personal best or not), the others' when the race ends, then the game's end (then tells the rated
 * players their new rating). Each is on this
 * process's disk before the store answers, and written to PostgreSQL as soon as it can be
 * (src/db/durableRaceStore.ts): the race never waits for the database.
 */
import type { RaceResult } from "../game/race/result.ts";
import type { Logger } from "../log.ts";
import type { FinishedMessage, RatingMessage } from "../protocol.ts";
import type { RoomServices } from "./services.ts";

/**
 * Stores a finisher's result; `tell` gets the message for them once it is on disk, and in
 * PostgreSQL when it could be written at once (whether it is a personal best is known only then).
 */
export function storeFinish(
  { races }: RoomServices,
  result: RaceResult,
  log: Logger,
  tell: (message: FinishedMessage) => void,
): void {
  const told = (isPersonalBest: boolean) =>
    tell({
      gameId: result.gameId,
      rank: result.rank!,
      wpm: result.wpm,
      wpmRaw: result.wpmRaw,
      acc: result.acc,
      accRaw: result.accRaw,
      durationMs: result.durationMs,
      isPersonalBest,
    });
  races.recordResult(result).then(
    ({ isPersonalBest }) => told(isPersonalBest),
    (error) => {
      log.error({ err: error, userId: result.userId }, "could not record the result");
      told(false);
    },
  );
}

/**
 * Stores the results of those who did not finish, then the end of the game, which rates a rated
 * race; `tell` gets each rated player's change once that is in PostgreSQL, when it could be
 * written at once (otherwise the rating is known only later, with the race's stored result).
 */
export function storeEnd(
  { races }: RoomServices,
  gameId: string,
  dnf: RaceResult[],
  log: Logger,
  tell: (userId: string, message: RatingMessage) => void,
): void {
  Promise.all(dnf.map((result) => races.recordResult(result)))
    .then(() => races.endGame(gameId, new Date()))
    .then((changes) => {
      for (const [userId, change] of changes) tell(userId, change);
    })
    .catch((error) => log.error({ err: error }, "could not record the end of the race"));
}
