import type { AuthContext } from "@colyseus/core";
import { ServerError } from "@colyseus/core";
import { TokenError, type TokenService, type TokenUser } from "../auth/tokens.ts";
import type { GameTimings } from "../config.ts";
import type { RaceStore } from "../db/races.ts";
import type { Logger } from "../log.ts";
import { RoomCloseCode } from "../protocol.ts";

/** What the rooms of one server process need from it; bound to the room classes in app.config.ts. */
export interface RoomServices {
  timings: GameTimings;
  tokens: TokenService;
  races: RaceStore;
  log: Logger;
  /** [0, 1) source for race texts */
  random: () => number;
}

/** The user behind a connection's access token, or a refused join the SDK reports clearly. */
export async function authenticateConnection(tokens: TokenService, context: AuthContext): Promise<TokenUser> {
  if (!context.token)
    throw new ServerError(RoomCloseCode.UNAUTHORIZED, "UNAUTHORIZED: sign in first (no access token)");
  try {
    return await tokens.verifyAccessToken(context.token);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    throw new ServerError(RoomCloseCode.UNAUTHORIZED, `${error.code}: ${error.message}`);
  }
}
