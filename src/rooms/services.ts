import type { AuthContext } from "@colyseus/core";
import { CloseCode, ServerError } from "@colyseus/core";
import { z } from "zod";
import type { TokenService, TokenUser } from "../auth/tokens.ts";
import type { GameTimings } from "../config.ts";
import type { GhostRun } from "../db/games.ts";
import type { RaceStore } from "../db/races.ts";
import { raceLengths } from "../game/raceLengths.ts";
import type { SkillWindow } from "../game/skillMatch.ts";
import type { Logger } from "../log.ts";
import type { GameMetrics } from "../metrics.ts";
import { RoomCloseCode } from "../protocol.ts";

/** What the rooms of one server process need from it; bound to the room classes in app.config.ts. */
export interface RoomServices {
  timings: GameTimings;
  /** matchmaking by skill: a lobby regroups at each widening step of this schedule */
  skillWindows: readonly SkillWindow[];
  tokens: TokenService;
  races: RaceStore;
  /** a stored result to race against (src/db/games.ts) */
  findGhostRun(gameId: string, userId: string): Promise<GhostRun | undefined>;
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
 * What the matchmaking route (src/api/matchmakeRoutes.ts) hands a room type's static onAuth: the
 * request's auth context, the user it authenticated from the request's token (none without one),
 * and for a `joinById` the room id asked for.
 */
export interface JoinContext extends AuthContext {
  user?: TokenUser;
  roomId?: string;
}

/** The joining user, as the matchmaking route authenticated them; without a token, a refusal. */
export function joiningUser(context: JoinContext): TokenUser {
  if (!context.user) {
    throw new ServerError(RoomCloseCode.UNAUTHORIZED, "UNAUTHORIZED: sign in first (no access token)");
  }
  return context.user;
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
 * Options schemas built once per server default length: built per join, a zod schema cost more
 * than the rest of the options check.
 */
export function perDefaultLength<T>(build: (defaultLength: number) => T): (defaultLength: number) => T {
  const built = new Map<number, T>();
  return (defaultLength) => {
    let schema = built.get(defaultLength);
    if (schema === undefined) {
      schema = build(defaultLength);
      built.set(defaultLength, schema);
    }
    return schema;
  };
}

/** A race length a join may ask for: one this server offers. */
export function raceLengthOption(defaultLength: number) {
  const lengths = raceLengths(defaultLength);
  return z.number().refine((words) => lengths.includes(words), {
    error: `expected one of ${lengths.join(", ")}`,
  });
}
