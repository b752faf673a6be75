/**
 * The HTTP side of the server, mounted on the Express app that shares Colyseus's port. Conventions
 * for every route: the `{ ok, data | error }` envelope, stable error codes, zod-validated input,
 * an X-Request-Id on every request and on every log line about it.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitor } from "@colyseus/monitor";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { TokenService } from "../auth/tokens.ts";
import type { Database } from "../db/prisma.ts";
import type { Logger } from "../log.ts";
import { type ApiEnvelope, ApiErrorCode, REQUEST_ID_HEADER } from "../protocol.ts";
import { authRoutes } from "./authRoutes.ts";
import { ApiError, notFound } from "./errors.ts";
import { gameRoutes } from "./gameRoutes.ts";
import { healthRoutes, type ReadinessCheck } from "./healthRoutes.ts";
import { lobbyRoutes } from "./lobbyRoutes.ts";

export const MAX_JSON_BODY = "16kb";
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ApiDependencies {
  db: Database;
  tokens: TokenService;
  log: Logger;
  readiness: Record<string, ReadinessCheck>;
  /** undefined: the monitor is not served. */
  monitorPassword: string | undefined;
  trustProxy: string;
}

export function mountApi(app: express.Application, deps: ApiDependencies): void {
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy);
  app.use(requestLogging(deps.log));
  app.use(express.json({ limit: MAX_JSON_BODY }));

  app.use(healthRoutes(deps.readiness));
  app.use("/api/v1/auth", authRoutes(deps));
  app.use("/api/v1/lobbies", lobbyRoutes(deps));
  app.use("/api/v1/games", gameRoutes(deps));
  if (deps.monitorPassword) app.use("/monitor", basicAuth("admin", deps.monitorPassword), monitor());

  app.use(() => {
    throw notFound();
  });
  app.use(errorResponse);
}

function requestLogging(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log.child({ component: "http" }),
    quietReqLogger: true,
    customAttributeKeys: { reqId: "requestId" },
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers[REQUEST_ID_HEADER.toLowerCase()];
      const id =
        typeof incoming === "string" && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === "/healthz" },
    // Method, path and status only: headers carry tokens and cookies.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split("?")[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
  }) as unknown as RequestHandler;
}

/** Body-parser failures carry a `type`; anything else unexpected is a 500 without internals. */
const errorResponse: ErrorRequestHandler = (error, req, res, _next) => {
  const known = asApiError(error);
  const requestId = String(req.id);
  if (!known) req.log.error({ err: error }, "unhandled error");
  const failure = known ?? new ApiError(500, ApiErrorCode.INTERNAL, "something went wrong on our side");
  const body: ApiEnvelope<never> = {
    ok: false,
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.details === undefined ? {} : { details: failure.details }),
      ...(failure.status >= 500 ? { requestId } : {}),
    },
  };
  if (res.headersSent) return;
  res.status(failure.status).json(body);
};

function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const type = (error as { type?: unknown }).type;
  if (type === "entity.parse.failed")
    return new ApiError(400, ApiErrorCode.BAD_JSON, "the body is not valid JSON");
  if (type === "entity.too.large") {
    return new ApiError(413, ApiErrorCode.PAYLOAD_TOO_LARGE, `the body is larger than ${MAX_JSON_BODY}`);
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
