/**
 * Starting a race for players in a room (a public lobby or a private room): its game row, its text
 * (a ghost's race's, when there is one to race against), its race room, and each player's seat in
 * it, handed over in a `game_start` message. The race room makes its race model of what it is handed.
 */
import { randomUUID } from "node:crypto";
import { type Client, matchMaker } from "@colyseus/core";
import { z } from "zod";
import type { TokenUser } from "../auth/tokens.ts";
import type { GameTimings } from "../config.ts";
import type { GhostRun } from "../db/games.ts";
import { decodeKeystrokeLog } from "../game/keystrokeLog.ts";
import { ghostEntrant, Race, timeLimitFor } from "../game/race/race.ts";
import { pickWords } from "../game/text.ts";
import { type GameStartMessage, RACE_MODES, type RaceMode, RoomName, ServerMessage } from "../protocol.ts";
import type { RoomServices } from "./services.ts";

/** What a lobby or private room passes to matchMaker.createRoom("race", …). */
export const raceCreateOptions = z.object({
  gameId: z.uuid(),
  mode: z.enum(RACE_MODES),
  words: z.array(z.string().min(1)).min(1),
  startsAt: z.number().int().positive(),
  roster: z.array(z.object({ id: z.uuid(), name: z.string() })).min(1),
  /** the private room the race belongs to */
  partyId: z.string().optional(),
  /** a stored result the server types again in the race: whose, and its keystroke log (base64) */
  ghost: z.object({ userId: z.uuid(), name: z.string(), keystrokes: z.base64() }).optional(),
});
type RaceCreateOptions = z.infer<typeof raceCreateOptions>;

/**
 * The race model of a race room's create options: its time limit from its length, and a roster member
 * who has not come within the reconnect grace of the start did not show up.
 */
export function raceOf(created: RaceCreateOptions, timings: GameTimings): Race {
  const { gameId, mode, words, startsAt, roster, ghost } = created;
  const timeLimitMs = timeLimitFor(words.length, timings.raceTimeLimitMs, timings.raceWords);
  const noShowAfterMs = timings.reconnectGraceS * 1000;
  const entrant =
    ghost &&
    ghostEntrant(ghost.userId, ghost.name, decodeKeystrokeLog(Buffer.from(ghost.keystrokes, "base64")));
  return new Race({ gameId, mode, words, startsAt, timeLimitMs, noShowAfterMs }, roster, entrant);
}

export interface Entrant {
  client: Client;
  user: TokenUser;
}

export interface Launch {
  mode: RaceMode;
  /** the race's length in words */
  length: number;
  /** the private room the race belongs to: told when it ends */
  partyId?: string;
  /** a stored result to race against: the race is on its text */
  ghost?: GhostRun;
}

/** Creates the race and sends every entrant its seat; the game id. Throws when it cannot be created. */
export async function launchRace(
  services: RoomServices,
  launch: Launch,
  entrants: Entrant[],
): Promise<string> {
  const { timings, random, races } = services;
  const gameId = randomUUID();
  const { ghost } = launch;
  const words = ghost ? ghost.words : pickWords(launch.length, random);
  // The game row first, so that none of the race's results can reach PostgreSQL before it. Its
  // start is the one planned now: a write that stalls (and waits in the journal) delays the race.
  await races.createGame({
    id: gameId,
    mode: launch.mode,
    words,
    playerCount: entrants.length,
    startsAt: new Date(Date.now() + timings.raceStartCountdownMs),
  });
  // The race's clock starts with its room: however long the write took, every player gets the
  // whole countdown and the whole time limit.
  const race: RaceCreateOptions = {
    gameId,
    mode: launch.mode,
    words,
    startsAt: Date.now() + timings.raceStartCountdownMs,
    roster: entrants.map(({ user }) => ({ id: user.id, name: user.name })),
    partyId: launch.partyId,
    ghost: ghost && {
      userId: ghost.userId,
      name: ghost.name,
      keystrokes: Buffer.from(ghost.keystrokes).toString("base64"),
    },
  };
  const room = await matchMaker.createRoom(RoomName.RACE, race);
  await Promise.all(
    entrants.map(async ({ client, user }) => {
      const reservation = await matchMaker.reserveSeatFor(room, {}, user);
      client.send(ServerMessage.GAME_START, {
        gameId,
        roomId: room.roomId,
        reservation,
      } satisfies GameStartMessage);
    }),
  );
  return gameId;
}
