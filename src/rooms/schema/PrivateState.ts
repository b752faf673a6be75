import { type SchemaType, schema, t } from "@colyseus/schema";
import type { PrivateGhostState, PrivateStateShape } from "../../protocol.ts";
import { LobbyPlayer } from "./LobbyState.ts";

export const PrivateGhost = schema(
  {
    gameId: t.string().default(""),
    userId: t.string().default(""),
    name: t.string().default(""),
    words: t.uint16().default(0),
    wpm: t.float64().default(0),
  },
  "PrivateGhost",
);

export const PrivateState = schema(
  {
    code: t.string().default(""),
    hostId: t.string().default(""),
    words: t.uint16().default(0),
    maxPlayers: t.uint8().default(0),
    status: t.string().default("open" satisfies PrivateStateShape["status"]),
    lastGameId: t.string().default(""),
    players: t.map(LobbyPlayer),
    ghost: t.ref(PrivateGhost).optional(),
  },
  "PrivateState",
);
export type PrivateState = SchemaType<typeof PrivateState>;

// The synced state must keep the shape the protocol promises clients.
PrivateGhost satisfies new () => PrivateGhostState;
PrivateState satisfies new () => Omit<PrivateStateShape, "players" | "status"> & { status: string };
