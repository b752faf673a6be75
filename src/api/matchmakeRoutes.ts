/**
 * POST /matchmake/:method/:roomName: Typephoon's matchmaking, in place of Colyseus's own route
 * (src/colyseus/httpFront.ts sends it here), behind the API's body limit, rate limits and error
 * envelope. Clients may queue into a lobby (`joinOrCreate`, `join`), create a private room
 * (`create`), join a room they know by id (`joinById`: a private room's code, a reloaded page, a
 * race to watch) and `reconnect`; nobody creates a race but a lobby or a private room. The route
 * authenticates the caller's token first; each room type's static `onAuth`, which runs during this
 * very request, then admits that user or refuses, so no seat is ever reserved for a caller without
 * a valid token. A player queuing is seated by skill (src/api/lobbySeating.ts), one search at a time.
 *
 * A seat is answered as Colyseus's seat reservation, which @colyseus/sdk consumes as it is. A
 * refusal is the API's envelope plus a top-level `message` (`CODE: text`): the SDK reports that
 * message, with the HTTP status as the MatchMakeError's code (see joinRefusalCode in protocol.ts).
 */
import { ErrorCode, matchMaker, ServerError } from "@colyseus/core";
import { type Request, Router } from "express";
import { z } from "zod";
import { TokenError, type TokenService, type TokenUser } from "../auth/tokens.ts";
import { inTurn, isSeatTaken, isShuttingDown } from "../colyseus/matchmaking.ts";
import type { Database } from "../db/database.ts";
import { withTimeout } from "../deadline.ts";
import type { SkillWindow } from "../game/skillMatch.ts";
import type { Logger } from "../log.ts";
import { ApiErrorCode, type ApiErrorCode as ApiErrorCodeType, RoomName } from "../protocol.ts";
import type { JoinContext } from "../rooms/services.ts";
import { accessTokenOf } from "./authenticate.ts";
import { ApiError } from "./errors.ts";
import { lobbySeating } from "./lobbySeating.ts";
import { parseInput } from "./validate.ts";

/** Which rooms each matchmaking method may reach. */
const POLICY = {
  joinOrCreate: (roomName: string) => roomName === RoomName.LOBBY,
  join: (roomName: string) => roomName === RoomName.LOBBY,
  create: (roomName: string) => roomName === RoomName.PRIVATE,
  joinById: () => true,
  reconnect: () => true,
} as const;
type Method = keyof typeof POLICY;
const isMethod = (method: string): method is Method => Object.hasOwn(POLICY, method);

const matchmakeParams = z.object({
  method: z.string(),
  roomName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "not a room name or id"),
});
/** Each room type validates its own options (in its static onAuth); here only their form. */
const matchmakeOptions = z.record(z.string(), z.unknown());

/**
 * How long a join may wait on the matchmaker. Behind a Redis partition its commands neither answer
 * nor fail; a burst of joins takes seconds. A seat reserved after the refusal expires unused.
 */
const MATCHMAKING_TIMEOUT_MS = 10_000;

export interface MatchmakeDependencies {
  db: Database;
  tokens: TokenService;
  log: Logger;
  /** matchmaking by skill: whom a lobby accepts, by its age (SKILL_WINDOWS) */
  skillWindows: readonly SkillWindow[];
}

export function matchmakeRoutes(deps: MatchmakeDependencies): Router {
  const router = Router();
  const searchInTurn = inTurn();
  const seatBySkill = lobbySeating(deps.db, deps.skillWindows, searchInTurn);

  router.post("/:method/:roomName", async (req, res) => {
    const { method, roomName } = parseInput(matchmakeParams, req.params, "params");
    if (!isMethod(method) || !POLICY[method](roomName)) {
      throw new ApiError(404, ApiErrorCode.NOT_FOUND, `clients cannot ${method} "${roomName}"`);
    }
    const options = parseInput(matchmakeOptions, req.body ?? {}, "body");
    if (isShuttingDown()) {
      throw new ApiError(503, ApiErrorCode.SHUTTING_DOWN, "this server is restarting; ask again");
    }
    const context = await joinContextOf(req, deps.tokens);
    if (method === "joinById") context.roomId = roomName;
    try {
      const seat = await withTimeout(
        method === "joinOrCreate" || method === "join"
          ? seatBySkill(method, roomName, options, context)
          : method === "create"
            ? matchMaker.create(roomName, options, context)
            : method === "joinById"
              ? matchMaker.joinById(roomName, options, context)
              : matchMaker.reconnect(roomName, options),
        MATCHMAKING_TIMEOUT_MS,
      );
      res.json(seat);
    } catch (error) {
      throw refusal(error, req, deps.log);
    }
  });

  return router;
}

/** The request's auth context, with the user its token names once verified (none without a token). */
async function joinContextOf(req: Request, tokens: TokenService): Promise<JoinContext> {
  const token = accessTokenOf(req);
  let user: TokenUser | undefined;
  if (token) {
    try {
      user = await tokens.verifyAccessToken(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new ApiError(401, error.code, error.message);
    }
  }
  let headers: Headers | undefined;
  return {
    token,
    user,
    ip: req.ip,
    req,
    get headers() {
      headers ??= new Headers(req.headers as Record<string, string>);
      return headers;
    },
  };
}

/**
 * A room's refusal (a ServerError with a 44xx close code and a `CODE: text` message) keeps its
 * code and text, with the status the close code − 4000; Colyseus's own matchmaking errors become
 * the API's codes; anything else (Redis gone, say) is logged and answered 503, without internals.
 */
function refusal(error: unknown, req: Request, log: Logger): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ServerError) {
    const code = error.code;
    if (code >= 4400 && code < 4500) {
      const [prefix, ...rest] = error.message.split(": ");
      const known = Object.hasOwn(ApiErrorCode, prefix ?? "");
      return new ApiError(
        code - 4000,
        known ? (prefix as ApiErrorCodeType) : ApiErrorCode.BAD_REQUEST,
        known ? rest.join(": ") : error.message,
      );
    }
    if (code === ErrorCode.MATCHMAKE_INVALID_ROOM_ID || code === ErrorCode.MATCHMAKE_INVALID_CRITERIA) {
      return new ApiError(404, ApiErrorCode.ROOM_NOT_FOUND, "no open room with this id");
    }
    if (code === ErrorCode.MATCHMAKE_EXPIRED) {
      return new ApiError(404, ApiErrorCode.ROOM_NOT_FOUND, "this seat has expired; join again");
    }
  }
  if (isSeatTaken(error)) return new ApiError(409, ApiErrorCode.ROOM_FULL, "this room has no seat left");
  (req.log ?? log).error({ err: error }, "matchmaking failed");
  return new ApiError(
    503,
    ApiErrorCode.MATCHMAKING_UNAVAILABLE,
    "matchmaking is unavailable right now; ask again shortly",
  );
}
