/**
 * What a race shows of itself outside its room: the listing matchmaking keeps of it (enough for
 * GET /api/v1/games/live to find the live public races without a call to each race's process,
 * src/rooms/liveRooms.ts), and the entry it answers for that list when asked.
 */
import type { Race } from "../game/race/race.ts";
import type { LiveRace, RaceMode, RaceStatus } from "../protocol.ts";

export interface RaceListing {
  mode: RaceMode;
  status: RaceStatus;
}

export const raceListing = (race: Race): RaceListing => ({ mode: race.mode, status: race.status });

/** The race as GET /api/v1/games/live lists it. */
export function liveRace(race: Race, spectators: number): LiveRace {
  const { gameId, mode, status, words, startsAt, players } = race.snapshot();
  return {
    gameId,
    mode,
    words: words.length,
    status,
    startsAt: new Date(startsAt).toISOString(),
    spectators,
    players,
  };
}
