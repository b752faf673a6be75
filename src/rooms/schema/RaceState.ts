import { type SchemaType, schema, t } from "@colyseus/schema";
import type { RaceMode, RacePlayerState, RaceStateShape, RaceStatus } from "../../protocol.ts";

export const RacePlayer = schema(
  {
    id: t.string().default(""),
    name: t.string().default(""),
    wordIndex: t.uint16().default(0),
    charIndex: t.uint16().default(0),
    finished: t.boolean().default(false),
    rank: t.uint8().default(0),
    wpm: t.float64().default(0),
    acc: t.float64().default(0),
    connected: t.boolean().default(false),
    ghost: t.boolean().default(false),
  },
  "RacePlayer",
);
export type RacePlayer = SchemaType<typeof RacePlayer>;

export const RaceState = schema(
  {
    gameId: t.string().default(""),
    mode: t.string().default("public" satisfies RaceMode),
    words: t.array("string"),
    spectators: t.uint16().default(0),
    status: t.string().default("countdown" satisfies RaceStatus),
    startsAt: t.float64().default(0),
    endsAt: t.float64().default(0),
    players: t.map(RacePlayer),
  },
  "RaceState",
);
export type RaceState = SchemaType<typeof RaceState>;

// The synced state must keep the shape the protocol promises clients.
RacePlayer satisfies new () => RacePlayerState;
RaceState satisfies new () => Omit<RaceStateShape, "players" | "words" | "status" | "mode"> & {
  status: string;
  mode: string;
};
