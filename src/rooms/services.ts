import type { AuthContext } from "@colyseus/core";
import { CloseCode, ServerError } from "@colyseus/core";
import type { z } from "zod";
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

/**
 * The user behind a join's access token, or a refusal the SDK reports clearly. Rooms check it in
 * their static onAuth, which Colyseus runs during the matchmaking request, before any seat exists.
 */
export async function authenticateJoin(tokens: TokenService, token: string | undefined): Promise<TokenUser> {
  if (!token)
    throw new ServerError(RoomCloseCode.UNAUTHORIZED, "UNAUTHORIZED: sign in first (no access token)");
  try {
    return await tokens.verifyAccessToken(token);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    throw new ServerError(RoomCloseCode.UNAUTHORIZED, `${error.code}: ${error.message}`);
  }
}

/** A join's options as `schema` wants them, or a BAD_OPTIONS refusal naming the first problem. */
export function joinOptions<S extends z.ZodType>(schema: S, options: unknown): z.infer<S> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  throw new ServerError(RoomCloseCode.BAD_OPTIONS, `BAD_OPTIONS: ${where}${issue.message}`);
}

/**
 * The room id a `joinById` asked for: the matchmaking route (src/api/matchmakeRoutes.ts) passes
 * its request as the auth context's `req`, whose `:roomName` is the id.
 */
export function requestedRoomId(context: AuthContext): string | undefined {
  const params = (context.req as { params?: { roomName?: unknown } } | undefined)?.params;
  return typeof params?.roomName === "string" ? params.roomName : undefined;
}
