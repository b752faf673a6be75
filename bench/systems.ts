/**
 * The three systems a run compares, and the little the baselines and the load generator must agree
 * on. Typephoon's own contract is src/protocol.ts.
 */
export const SYSTEMS = ["typephoon", "bare", "naive"] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const SYSTEM_TITLES: Record<SystemName, string> = {
  typephoon: "Typephoon (lobby -> race, validated)",
  bare: "bare Colyseus 0.18 cursor room",
  naive: "naive ws JSON broadcast",
};

/**
 * The systems a matchmaking burst runs against: the bare room of 5 is the framework's own join; the
 * bare lobby (the bare baseline's server) is the protocol's lobby -> race seat in the framework alone.
 */
export type MatchmakingSystem = Extract<SystemName, "typephoon" | "bare"> | "bareLobby";
export const MATCHMAKING_SYSTEMS: MatchmakingSystem[] = ["typephoon", "bare", "bareLobby"];

/** The bare Colyseus baseline's room types (bench/baselines/bareColyseus.ts). */
export const BARE_ROOM = "cursor_race";
export const BARE_LOBBY = "cursor_lobby";

/** What the naive ws baseline (bench/baselines/naiveWs.ts) sends. */
export type NaiveServerMessage =
  | { type: "welcome"; player: number; room: number }
  | { type: "key"; player: number; key: string };

/** The API bench's floors (bench/baselines/bareHttp.ts): Node's own HTTP server, bare Express 5. */
export type HttpFloor = "node" | "express";
