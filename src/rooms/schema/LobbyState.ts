import { type SchemaType, schema, t } from "@colyseus/schema";
import type { LobbyPlayerState, LobbyStateShape } from "../../protocol.ts";

export const LobbyPlayer = schema(
  {
    id: t.string().default(""),
    name: t.string().default(""),
  },
  "LobbyPlayer",
);
export type LobbyPlayer = SchemaType<typeof LobbyPlayer>;

export const LobbyState = schema(
  {
    players: t.map(LobbyPlayer),
    startsAt: t.float64().default(0),
    maxPlayers: t.uint8().default(0),
    words: t.uint16().default(0),
  },
  "LobbyState",
);
export type LobbyState = SchemaType<typeof LobbyState>;

// The synced state must keep the shape the protocol promises clients.
LobbyPlayer satisfies new () => LobbyPlayerState;
LobbyState satisfies new () => Omit<LobbyStateShape, "players">;
