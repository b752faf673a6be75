/**
 * What a reload must not forget, kept in sessionStorage (per tab): the lobby the player waits in,
 * and the race they are typing — its id, the keys they sent (the server syncs positions, not the
 * characters, so the colouring survives a reload only through these) and their result once known.
 * The race still on is also kept in localStorage, which outlives the tab: Home offers to rejoin it.
 */
import type { FinishedMessage } from "../../src/protocol.ts";

const LOBBY_KEY = "typephoon.lobby";
const RACE_KEY = "typephoon.race";
const RACE_ON_KEY = "typephoon.raceOn";

export interface RaceMemory {
  gameId: string;
  keys: string[];
  finished?: FinishedMessage;
}

/** Reading the storage itself may throw (storage turned off): each use is inside a try. */
const perTab = () => sessionStorage;
const perBrowser = () => localStorage;

function read<T>(key: string, storage = perTab): T | undefined {
  try {
    const raw = storage().getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown, storage = perTab): void {
  try {
    if (value === undefined) storage().removeItem(key);
    else storage().setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or off: a reload then restores from the server's position alone.
  }
}

export const rememberedLobby = () => read<string>(LOBBY_KEY);
export const rememberLobby = (roomId: string | undefined) => write(LOBBY_KEY, roomId);

export function rememberedRace(gameId: string): RaceMemory | undefined {
  const memory = read<RaceMemory>(RACE_KEY);
  return memory?.gameId === gameId && Array.isArray(memory.keys) ? memory : undefined;
}
export const rememberRace = (memory: RaceMemory | undefined) => write(RACE_KEY, memory);

/** The race this player is in and has not finished nor left, in any tab (a closed tab included). */
export const raceStillOn = () => read<string>(RACE_ON_KEY, perBrowser);
export const rememberRaceOn = (gameId: string | undefined) => write(RACE_ON_KEY, gameId, perBrowser);
