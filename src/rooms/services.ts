import type { AuthContext } from "@colyseus/core";
import { CloseCode, ServerError } from "@colyseus/core";
import { TokenError, type TokenService, type TokenUser } from "../auth/tokens.ts";
import type { GameTimings } from "../config.ts";
import type { RaceStore } from "../db/races.ts";
import type { Logger } from "../log.ts";
import type { GameMetrics } from "../metrics.ts";
import { RoomCloseCode } from "../protocol.ts";

/** What the rooms of one server process need from it; bound to the room classes in app.config.ts. */
export interface RoomServices {
  timings: GameTimings;
  tokens: TokenService;
  races: RaceStore;
  log: Logger;
  metrics: GameMetrics;
  /** [0, 1) source for race texts */
  random: () => number;
}

/**
 * Whether a closed connection may come back: a network failure or a page going away, as the SDK
 * sees it. Not a close the server decided (flooding, a malformed frame, a newer tab): waiting for
 * such a client to return would also keep its socket open, since Colyseus closes it only once
 * onDrop has returned.
 */
const RECONNECTABLE = new Set<number | undefined>([
  CloseCode.GOING_AWAY,
  CloseCode.NO_STATUS_RECEIVED,
  CloseCode.ABNORMAL_CLOSURE,
  CloseCode.MAY_TRY_RECONNECT,
]);
export const mayReconnect = (code: number | undefined) => RECONNECTABLE.has(code);

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
