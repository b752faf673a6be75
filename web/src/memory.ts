/**
 * What a reload must not forget, kept in sessionStorage (per tab): the lobby the player waits in,
 * and the race they are typing — its id, the keys they sent (the server syncs positions, not the
 * characters, so the colouring survives a reload only through these) and their result once known.
 */
import type { FinishedMessage } from "../../src/protocol.ts";

const LOBBY_KEY = "typephoon.lobby";
const RACE_KEY = "typephoon.race";

export interface RaceMemory {
  gameId: string;
  keys: string[];
  finished?: FinishedMessage;
}

function read<T>(key: string): T | undefined {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === undefined) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
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
