import { parse as parseCookies } from "cookie";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { TokenError, type TokenService, type TokenUser } from "../auth/tokens.ts";
import { ACCESS_TOKEN_COOKIE, ApiErrorCode } from "../protocol.ts";
import { ApiError } from "./errors.ts";

/** The access token of a request: `Authorization: Bearer …` first, else the TP_AT cookie. */
export function accessTokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? "";
  }
  const cookieHeader = req.headers.cookie;
  return cookieHeader ? parseCookies(cookieHeader)[ACCESS_TOKEN_COOKIE] : undefined;
}

/** Requires a valid access token; the user is then available through `signedInUser(res)`. */
export function requireUser(tokens: TokenService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = accessTokenOf(req);
    if (!token) throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, "sign in first: no access token");
    res.locals.user = await verified(tokens, token);
    next();
  };
}

/**
 * For routes anyone may call that answer more to a signed-in caller: without a token the request
 * goes on anonymously (`callerOf(res)` is undefined); a token that does not verify is the same
 * 401 as on `requireUser` routes, so that a client notices its session has ended.
 */
export function optionalUser(tokens: TokenService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = accessTokenOf(req);
    if (token !== undefined) res.locals.user = await verified(tokens, token);
    next();
  };
}

async function verified(tokens: TokenService, token: string): Promise<TokenUser> {
  if (!token) throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, "sign in first: no access token");
  try {
    return await tokens.verifyAccessToken(token);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    throw new ApiError(401, error.code, error.message);
  }
}

export function signedInUser(res: Response): TokenUser {
  return res.locals.user as TokenUser;
}

/** The caller on an `optionalUser` route; undefined when anonymous. */
export function callerOf(res: Response): TokenUser | undefined {
  return res.locals.user as TokenUser | undefined;
}
