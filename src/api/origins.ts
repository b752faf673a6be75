/**
 * Which web pages may use this server with the visitor's credentials: its own origin, and the
 * CORS_ORIGINS allow-list.
 *
 * CORS: Colyseus answers every preflight and adds CORS headers to every response, the API's
 * included, before Express sees the request (see @colyseus/core src/router/index.ts), echoing any
 * Origin with credentials by default. So the allow-list is applied through its controller hooks.
 *
 * CSRF: cookies authenticate (TP_AT, TP_RT), so a state-changing request whose Origin is another
 * site is refused with 403 ORIGIN_NOT_ALLOWED. Browsers send Origin with every POST; requests
 * without one (curl, servers, the tests) carry no ambient cookies of a victim and pass.
 */
import { matchMaker } from "@colyseus/core";
import type { Request, RequestHandler } from "express";
import { ApiErrorCode, REQUEST_ID_HEADER } from "../protocol.ts";
import { ApiError } from "./errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const { controller } = matchMaker;
/** Colyseus's own, taken before any server of this process replaces them. */
const COLYSEUS_CORS_HEADERS = controller.DEFAULT_CORS_HEADERS;

/**
 * Applies the allow-list to Colyseus's CORS handling. The controller is global to the process:
 * every server in it answers with the last list applied.
 */
export function applyCorsAllowList(allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins);
  const {
    "Access-Control-Allow-Origin": _anyOrigin,
    "Access-Control-Allow-Credentials": _credentials,
    ...rest
  } = COLYSEUS_CORS_HEADERS;
  const forAllowedOrigin = {
    ...rest,
    "Access-Control-Allow-Headers": `Content-Type, Authorization, ${REQUEST_ID_HEADER}`,
    "Access-Control-Expose-Headers": `${REQUEST_ID_HEADER}, Retry-After`,
    "Access-Control-Max-Age": "600",
    "Access-Control-Allow-Credentials": "true",
  };
  // Every answer depends on the Origin; the CORS headers are only for pages of allowed origins,
  // not ~200 bytes more on every other answer.
  controller.DEFAULT_CORS_HEADERS = { Vary: "Origin" } as unknown as typeof controller.DEFAULT_CORS_HEADERS;
  controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get("origin");
    if (!origin || !allowed.has(origin)) return {};
    return { ...forAllowedOrigin, "Access-Control-Allow-Origin": origin };
  };
}

/** Refuses state-changing requests from pages of origins other than ours and the allow-list. */
export function sameOriginWrites(options: {
  publicUrl: string;
  allowedOrigins: readonly string[];
}): RequestHandler {
  const allowed = new Set([new URL(options.publicUrl).origin, ...options.allowedOrigins]);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined ? allowed.has(origin) || origin === ownOrigin(req) : !crossSiteFetch(req)) {
      return next();
    }
    throw new ApiError(
      403,
      ApiErrorCode.ORIGIN_NOT_ALLOWED,
      `requests from ${origin ?? "another site"} may not change anything here`,
    );
  };
}

/** The origin the request was addressed to, as the browser saw it (through trusted proxies). */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get("host")}`;
}

/** Browsers that omit Origin still say where a request came from in Sec-Fetch-Site. */
function crossSiteFetch(req: Request): boolean {
  return req.headers["sec-fetch-site"] === "cross-site";
}
