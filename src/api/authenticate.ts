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
    try {
      res.locals.user = await tokens.verifyAccessToken(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new ApiError(401, error.code, error.message);
    }
    next();
  };
}

export function signedInUser(res: Response): TokenUser {
  return res.locals.user as TokenUser;
}
