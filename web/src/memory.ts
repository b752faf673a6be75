/**
 * What a reload must not forget, kept in sessionStorage (per tab): the lobby the player waits in,
 * and the race they are typing — its id, the keys they sent (the server syncs positions, not the
 * characters, so the colouring survives a reload only through these) and their result once known.
 * The race still on is also kept in localStorage, which outlives the tab: Home offers to rejoin it;
 * so is the race length the player chose.
 */
import { type FinishedMessage, RACE_LENGTHS, type RaceLength } from "../../src/protocol.ts";

const LOBBY_KEY = "typephoon.lobby";
const RACE_KEY = "typephoon.race";
const RACE_ON_KEY = "typephoon.raceOn";
const LENGTH_KEY = "typephoon.words";
/** The length a player who never chose one races: the server's usual. */
const USUAL_LENGTH: RaceLength = 25;

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

/**
 * The race length the player chose last, for every tab and the next visit; undefined until they
 * choose one (the server's own default is then theirs: usually 25 words).
 */
export function chosenLength(): RaceLength | undefined {
  const words = read<number>(LENGTH_KEY, perBrowser);
  return (RACE_LENGTHS as readonly number[]).includes(words ?? Number.NaN)
    ? (words as RaceLength)
    : undefined;
}
/** The length shown as chosen: the one chosen, else the usual one. */
export const shownLength = (): RaceLength => chosenLength() ?? USUAL_LENGTH;
export const rememberLength = (words: RaceLength) => write(LENGTH_KEY, words, perBrowser);
