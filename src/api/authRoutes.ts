import { type CookieOptions, type Request, Router } from "express";
import { friendlyGuestName } from "../auth/guestNames.ts";
import { GUEST_ACCESS_TOKEN_TTL_S, type TokenService } from "../auth/tokens.ts";
import type { Database } from "../db/database.ts";
import { createGuestUser, findUser } from "../db/users.ts";
import { ACCESS_TOKEN_COOKIE, ApiErrorCode } from "../protocol.ts";
import { requireUser, signedInUser } from "./authenticate.ts";
import { guestSignInBody, type MeResponse, type SignInResponse } from "./contracts/auth.ts";
import { ApiError } from "./errors.ts";
import type { RateLimit, RateLimits } from "./rateLimit.ts";
import { sendData } from "./respond.ts";
import { parseInput } from "./validate.ts";

/** Every route that signs in or out shares one per-IP budget (AUTH_RATE_LIMIT_PER_MINUTE). */
export const authRateLimit = (perMinute: number): RateLimit => ({
  bucket: "auth",
  limit: perMinute,
  windowMs: 60_000,
});

export function authRoutes(deps: {
  db: Database;
  tokens: TokenService;
  rateLimits: RateLimits;
  auth: { rateLimitPerMinute: number };
}): Router {
  const router = Router();
  const signInLimit = deps.rateLimits.limiter(authRateLimit(deps.auth.rateLimitPerMinute));

  router.post("/guest", signInLimit, async (req, res) => {
    const body = parseInput(guestSignInBody, req.body ?? {}, "body");
    const user = await createGuestUser(deps.db, body.name ?? friendlyGuestName());
    const { token, expiresAt } = await deps.tokens.issueAccessToken(user, GUEST_ACCESS_TOKEN_TTL_S);
    res.cookie(ACCESS_TOKEN_COOKIE, token, accessCookie(req, expiresAt));
    sendData<SignInResponse>(res, 201, { user, accessToken: token, expiresAt: expiresAt.toISOString() });
  });

  router.get("/me", requireUser(deps.tokens), async (_req, res) => {
    const user = await findUser(deps.db, signedInUser(res).id);
    if (!user) throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, "this account no longer exists");
    sendData<MeResponse>(res, 200, { user });
  });

  return router;
}

export function accessCookie(req: Request, expiresAt: Date): CookieOptions {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: req.secure, expires: expiresAt };
}
