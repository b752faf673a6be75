import { type SchemaType, schema, t } from "@colyseus/schema";
import type { PrivateStateShape } from "../../protocol.ts";
import { LobbyPlayer } from "./LobbyState.ts";

export const PrivateState = schema(
  {
    code: t.string().default(""),
    hostId: t.string().default(""),
    words: t.uint16().default(0),
    maxPlayers: t.uint8().default(0),
    status: t.string().default("open" satisfies PrivateStateShape["status"]),
    lastGameId: t.string().default(""),
    players: t.map(LobbyPlayer),
  },
  "PrivateState",
);
export type PrivateState = SchemaType<typeof PrivateState>;

// The synced state must keep the shape the protocol promises clients.
PrivateState satisfies new () => Omit<PrivateStateShape, "players" | "status"> & { status: string };
