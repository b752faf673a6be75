/**
 * The HTTP side of the server, mounted on the Express app that shares Colyseus's port. Conventions
 * for every route: the `{ ok, data | error }` envelope, stable error codes, zod-validated input,
 * an X-Request-Id on every request and on every log line about it.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { monitor } from "@colyseus/monitor";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import type { TokenService } from "../auth/tokens.ts";
import { monitorPageWithoutWebFonts } from "../colyseus/monitorPage.ts";
import type { Database } from "../db/database.ts";
import { withTimeout } from "../deadline.ts";
import type { SkillWindow } from "../game/skillMatch.ts";
import type { Logger } from "../log.ts";
import { type ApiEnvelope, ApiErrorCode } from "../protocol.ts";
import { LiveRoomsUnreachable } from "../rooms/liveRooms.ts";
import { type AccountSettings, accountRoutes } from "./accountRoutes.ts";
import { accessTokenOf } from "./authenticate.ts";
import { authRoutes } from "./authRoutes.ts";
import { bodyLimit, MAX_BODY_BYTES } from "./bodyLimit.ts";
import { docsRoutes } from "./docsRoutes.ts";
import { ApiError, notFound } from "./errors.ts";
import { gameRoutes } from "./gameRoutes.ts";
import { healthRoutes, type ReadinessSources } from "./healthRoutes.ts";
import { leaderboardRoutes } from "./leaderboardRoutes.ts";
import { lobbyRoutes } from "./lobbyRoutes.ts";
import { matchmakeRoutes } from "./matchmakeRoutes.ts";
import { sameOriginWrites } from "./origins.ts";
import { profileRoutes } from "./profileRoutes.ts";
import { rateLimits } from "./rateLimit.ts";
import { requestLogging } from "./requestLog.ts";
import { securityHeaders } from "./securityHeaders.ts";
import { mountWebClient } from "./webClient.ts";

const MATCHMAKE_PATH = "/matchmake";

export interface ApiDependencies {
  db: Database;
  tokens: TokenService;
  /** words per race on this server (RACE_WORDS): the leaderboard's default length */
  raceWords: number;
  /** matchmaking by skill: whom a lobby accepts, by its age (SKILL_WINDOWS) */
  skillWindows: readonly SkillWindow[];
  log: Logger;
  readiness: ReadinessSources;
  /** set when REDIS_URL is: shared by everything that keeps state across processes */
  redis: Redis | undefined;
  /** undefined: the monitor is not served. */
  monitorPassword: string | undefined;
  /** Prometheus metrics served at /metrics behind the monitor password; undefined: not here. */
  metrics: Registry | undefined;
  trustProxy: string | false;
  /** requests per minute to /api, per client IP and per access token */
  apiRateLimitPerMinute: { perIp: number; perUser: number };
  /** sign-in providers, sessions, and which web pages may use them */
  auth: AccountSettings & { corsOrigins: readonly string[] };
}

export function mountApi(app: express.Application, deps: ApiDependencies): void {
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy);
  app.use(requestLogging(app, deps.log));
  app.use(bodyLimit);
  app.use(securityHeaders());
  app.use(sameOriginWrites({ publicUrl: deps.auth.publicUrl, allowedOrigins: deps.auth.corsOrigins }));
  app.use(express.json({ limit: MAX_BODY_BYTES }));
  const routeDeps = { ...deps, rateLimits: rateLimits(deps.redis, deps.log) };
  const { limiter } = routeDeps.rateLimits;
  // Every API route: a budget per client IP, and one per session (its access token, hashed), so
  // that one signed-in client cannot spend its whole IP's budget, nor a forged token another's.
  const minute = 60_000;
  const bySession = {
    key: (req: express.Request) => createHash("sha256").update(accessTokenOf(req)!).digest("base64url"),
    skip: (req: express.Request) => !accessTokenOf(req),
  };
  app.use(
    "/api",
    limiter({ bucket: "api-ip", limit: deps.apiRateLimitPerMinute.perIp, windowMs: minute }),
    limiter({
      bucket: "api-session",
      limit: deps.apiRateLimitPerMinute.perUser,
      windowMs: minute,
      ...bySession,
    }),
  );
  // The reads, most of the API's requests, first: each layer a request passes costs it a little.
  app.use("/api/v1/leaderboards", leaderboardRoutes(deps));
  app.use("/api/v1", profileRoutes(deps));
  // Matchmaking has budgets of its own, as large as the API's: a seat is cheap to ask for and
  // each one holds a place in a room until it expires.
  app.use(
    MATCHMAKE_PATH,
    limiter({ bucket: "matchmake-ip", limit: deps.apiRateLimitPerMinute.perIp, windowMs: minute }),
    limiter({
      bucket: "matchmake-session",
      limit: deps.apiRateLimitPerMinute.perUser,
      windowMs: minute,
      ...bySession,
    }),
    matchmakeRoutes({ db: deps.db, tokens: deps.tokens, log: deps.log, skillWindows: deps.skillWindows }),
  );

  app.use(healthRoutes(deps.readiness));
  app.use("/api/v1/auth", authRoutes(routeDeps));
  app.use("/api/v1/auth", accountRoutes(routeDeps));
  app.use("/api/v1/lobbies", lobbyRoutes(deps));
  app.use("/api/v1/games", gameRoutes(deps));
  app.use(docsRoutes());
  if (deps.monitorPassword) {
    const admin = basicAuth("admin", deps.monitorPassword);
    app.use("/monitor", admin, monitorPageWithoutWebFonts(), monitor());
    const { metrics } = deps;
    if (metrics) {
      app.get("/metrics", admin, async (_req, res) => {
        res.type(metrics.contentType).send(await metrics.metrics());
      });
    }
  }
  mountWebClient(app);

  app.use(() => {
    throw notFound();
  });
  app.use(errorResponse(deps.readiness.checks.postgres));
}

/** How long a client told that a dependency is away should wait before asking again, in seconds. */
const RETRY_AFTER_S: Partial<Record<ApiErrorCode, number>> = {
  [ApiErrorCode.DATABASE_UNAVAILABLE]: 5,
  [ApiErrorCode.MATCHMAKING_UNAVAILABLE]: 2,
  [ApiErrorCode.SHUTTING_DOWN]: 2,
};

/**
 * Body-parser failures carry a `type`; an unexpected failure while PostgreSQL is down is a 503 the
 * client may retry; anything else unexpected is a 500 without internals.
 */
const errorResponse =
  (postgres: (() => Promise<void>) | undefined): ErrorRequestHandler =>
  async (error, req, res, _next) => {
    const known = asApiError(error) ?? (await databaseOutage(postgres));
    const requestId = req.id;
    if (!known) req.log.error({ err: error }, "unhandled error");
    else if (known.code === ApiErrorCode.DATABASE_UNAVAILABLE)
      req.log.warn({ err: error }, "database unavailable");
    const failure = known ?? new ApiError(500, ApiErrorCode.INTERNAL, "something went wrong on our side");
    const body: ApiEnvelope<never> & { message?: string } = {
      ok: false,
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.details === undefined ? {} : { details: failure.details }),
        ...(failure.status >= 500 ? { requestId } : {}),
      },
      // @colyseus/sdk reports a matchmaking refusal by this field (src/api/matchmakeRoutes.ts).
      ...(req.originalUrl.startsWith(MATCHMAKE_PATH)
        ? { message: `${failure.code}: ${failure.message}` }
        : {}),
    };
    if (res.headersSent) return;
    const retryAfter = RETRY_AFTER_S[failure.code];
    if (retryAfter !== undefined) res.setHeader("Retry-After", String(retryAfter));
    res.status(failure.status).json(body);
  };

/**
 * How long the error handler waits for PostgreSQL to answer before calling it down: the request
 * has already waited for its own query (src/db/database.ts bounds it), and the answer is due within
 * about 2 s in all.
 */
const OUTAGE_CHECK_MS = 500;

async function databaseOutage(postgres: (() => Promise<void>) | undefined): Promise<ApiError | undefined> {
  if (!postgres) return undefined;
  const up = await withTimeout(postgres(), OUTAGE_CHECK_MS).then(
    () => true,
    () => false,
  );
  return up
    ? undefined
    : new ApiError(503, ApiErrorCode.DATABASE_UNAVAILABLE, "the database is unavailable; try again shortly");
}

function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof LiveRoomsUnreachable) {
    return new ApiError(
      503,
      ApiErrorCode.MATCHMAKING_UNAVAILABLE,
      "live rooms cannot be reached right now; ask again shortly",
    );
  }
  const type = (error as { type?: unknown }).type;
  if (type === "entity.parse.failed")
    return new ApiError(400, ApiErrorCode.BAD_JSON, "the body is not valid JSON");
  if (type === "entity.too.large") {
    return new ApiError(
      413,
      ApiErrorCode.PAYLOAD_TOO_LARGE,
      `the body is larger than ${MAX_BODY_BYTES / 1024} KB`,
    );
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new ApiError(status, ApiErrorCode.BAD_REQUEST, (error as Error).message);
  }
  return undefined;
}

function basicAuth(user: string, password: string): RequestHandler {
  const expected = Buffer.from(`${user}:${password}`);
  return (req, res, next) => {
    const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const given = Buffer.from(match ? Buffer.from(match[1]!, "base64").toString("utf8") : "");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      next();
      return;
    }
    res.setHeader("WWW-Authenticate", 'Basic realm="Typephoon monitor", charset="UTF-8"');
    throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, "the monitor needs the admin password");
  };
}
