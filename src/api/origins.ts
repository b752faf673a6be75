/**
 * CSRF: cookies authenticate (TP_AT, TP_RT), so a state-changing request whose Origin is another
 * site is refused with 403 ORIGIN_NOT_ALLOWED. Browsers send Origin with every POST; requests
 * without one (curl, servers, the tests) carry no ambient cookies of a victim and pass. The CORS
 * allow-list itself is applied to Colyseus in src/colyseus/cors.ts.
 */
import type { Request, RequestHandler } from "express";
import { ApiErrorCode } from "../protocol.ts";
import { ApiError } from "./errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

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
