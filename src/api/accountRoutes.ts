/**
 * Registered accounts: "Sign in with …" through any configured provider (OpenID Connect, or
 * GitHub's OAuth 2), then sessions that last: a short access token, renewed with a rotating
 * refresh token kept in an HttpOnly cookie. A guest who signs in brings their races along. The
 * account page reads, renames and deletes the account (`/account`).
 *
 * The login and callback routes are browser navigations: they answer with redirects, failures
 * included (to the web app with `?auth_error=<SignInErrorCode>`), never with JSON.
 */
import { timingSafeEqual } from "node:crypto";
import { parse as parseCookies } from "cookie";
import { type CookieOptions, type Request, type Response, Router } from "express";
import { friendlyGuestName } from "../auth/guestNames.ts";
import {
  type IdentityProvider,
  identityProviders,
  newAuthorizationChecks,
  type ProviderProfile,
  SignInError,
} from "../auth/identityProviders.ts";
import { SIGN_IN_FLOW_TTL_S, signInFlowSealer } from "../auth/signInFlow.ts";
import { TokenError, type TokenService, type TokenUser } from "../auth/tokens.ts";
import type { IdentityProviderSettings } from "../config.ts";
import {
  accountDetails,
  deleteAccount,
  mergeGuestInto,
  renameAccount,
  signInAccount,
} from "../db/accounts.ts";
import type { Database } from "../db/database.ts";
import {
  type IssuedRefreshToken,
  isLiveRefreshToken,
  issueRefreshToken,
  refreshTokenSuccession,
  revokeRefreshToken,
  rotateRefreshToken,
} from "../db/refreshTokens.ts";
import {
  ACCESS_TOKEN_COOKIE,
  ApiErrorCode,
  RACES_MOVED_PARAM,
  REFRESH_TOKEN_COOKIE,
  SIGN_IN_ERROR_PARAM,
  SIGNED_IN_PARAM,
  SignInErrorCode,
} from "../protocol.ts";
import { accessTokenOf, requireUser, signedInUser } from "./authenticate.ts";
import { accessCookie, authRateLimit } from "./authRoutes.ts";
import {
  type AccountResponse,
  type DeleteAccountResponse,
  type ProvidersResponse,
  type RefreshResponse,
  renameBody,
  type SignInResponse,
  type SignOutResponse,
} from "./contracts/auth.ts";
import { ApiError } from "./errors.ts";
import type { RateLimits } from "./rateLimit.ts";
import { sendData } from "./respond.ts";
import { parseInput } from "./validate.ts";

/** Holds one sign-in's state, nonce and PKCE verifier between login and callback (encrypted). */
const SIGN_IN_FLOW_COOKIE = "TP_SIGNIN";
/**
 * Set by a sign-out until the next sign-in: that sign-in asks the provider to show its account
 * choice, so that signing out and in again can be somebody else (a shared computer).
 */
const SIGNED_OUT_COOKIE = "TP_SIGNED_OUT";
const SIGNED_OUT_COOKIE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** The refresh cookie goes to /refresh and /logout only (and the other auth routes beside them). */
const REFRESH_COOKIE_PATH = "/api/v1/auth";

export interface AccountSettings {
  /** externally visible base URL (PUBLIC_URL): the providers redirect back to it */
  publicUrl: string;
  /** where the browser lands after a sign-in (WEB_APP_URL) */
  webAppUrl: string;
  rateLimitPerMinute: number;
  /** how long a registered account's access token lasts (ACCESS_TOKEN_TTL_S) */
  accessTokenTtlS: number;
  providers: readonly IdentityProviderSettings[];
  /** JWT_SECRET: the sign-in flow cookie's key is derived from it */
  secret: string;
}

export function accountRoutes(deps: {
  db: Database;
  tokens: TokenService;
  rateLimits: RateLimits;
  auth: AccountSettings;
}): Router {
  const { db, tokens, auth } = deps;
  const router = Router();
  const providers = identityProviders(auth.providers);
  const flows = signInFlowSealer(auth.secret);
  const successorOf = refreshTokenSuccession(auth.secret);
  const limit = deps.rateLimits.limiter(authRateLimit(auth.rateLimitPerMinute));
  const callbackUri = (provider: IdentityProvider) => `${auth.publicUrl}/api/v1/auth/${provider.id}/callback`;
  /** To the web app: with the error of a failed sign-in, or saying who signed in and what moved. */
  const backToWebApp = (
    res: Response,
    outcome?: { error: SignInErrorCode } | { signedIn: string; racesMoved: number },
  ) => {
    const target = new URL(auth.webAppUrl, `${auth.publicUrl}/`);
    if (outcome && "error" in outcome) target.searchParams.set(SIGN_IN_ERROR_PARAM, outcome.error);
    if (outcome && "signedIn" in outcome) {
      target.searchParams.set(SIGNED_IN_PARAM, outcome.signedIn);
      if (outcome.racesMoved > 0) target.searchParams.set(RACES_MOVED_PARAM, String(outcome.racesMoved));
    }
    res.redirect(302, target.href);
  };

  router.get("/providers", (_req, res) => {
    sendData<ProvidersResponse>(
      res,
      200,
      [...providers.values()].map(({ id, name }) => ({ id, name })),
    );
  });

  router.get("/:provider/login", limit, async (req, res) => {
    const provider = providers.get(req.params.provider as string);
    if (!provider) return backToWebApp(res, { error: SignInErrorCode.UNKNOWN_PROVIDER });
    const checks = newAuthorizationChecks();
    const chooseAccount = cookiesOf(req)[SIGNED_OUT_COOKIE] !== undefined;
    let authorizationUrl: URL;
    try {
      authorizationUrl = await provider.authorizationUrl(callbackUri(provider), checks, chooseAccount);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      req.log.warn({ provider: provider.id, err: error.cause }, error.message);
      return backToWebApp(res, { error: error.code });
    }
    const guest = await signedInGuest(tokens, req);
    const flow = await flows.seal({ provider: provider.id, ...checks, guestId: guest?.id });
    res.cookie(SIGN_IN_FLOW_COOKIE, flow, flowCookie(req, provider));
    res.redirect(302, authorizationUrl.href);
  });

  router.get("/:provider/callback", limit, async (req, res) => {
    const provider = providers.get(req.params.provider as string);
    if (!provider) return backToWebApp(res, { error: SignInErrorCode.UNKNOWN_PROVIDER });
    // A sign-in attempt is good for one callback, whatever happens in it.
    const { maxAge: _, ...clearFlow } = flowCookie(req, provider);
    res.clearCookie(SIGN_IN_FLOW_COOKIE, clearFlow);

    const sealed = cookiesOf(req)[SIGN_IN_FLOW_COOKIE];
    const flow = sealed ? await flows.open(sealed, provider.id) : undefined;
    // The callback of a sign-in that already finished, opened again (history, a bookmark, a
    // restored tab) by someone signed in: nothing went wrong, there is just nothing left to do.
    if (!flow && (await signedInAccount(req))) return backToWebApp(res);
    const state = typeof req.query.state === "string" ? req.query.state : "";
    if (!flow || !sameString(state, flow.state)) {
      req.log.info(
        { provider: provider.id, flow: !!flow },
        "sign-in refused: unknown attempt or wrong state",
      );
      return backToWebApp(res, { error: SignInErrorCode.INVALID_STATE });
    }

    const callbackUrl = new URL(callbackUri(provider));
    const query = req.originalUrl.indexOf("?");
    if (query >= 0) callbackUrl.search = req.originalUrl.slice(query);
    let profile: ProviderProfile;
    try {
      profile = await provider.profile(callbackUrl, flow);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      req.log.info({ provider: provider.id, code: error.code, err: error.cause }, "sign-in failed");
      return backToWebApp(res, { error: error.code });
    }

    const account = await signInAccount(
      db,
      { provider: provider.id, subject: profile.subject, name: profile.name },
      friendlyGuestName(),
    );
    let racesMoved = 0;
    if (flow.guestId) {
      const merge = await mergeGuestInto(db, flow.guestId, account.id);
      if (merge.merged) {
        racesMoved = merge.movedResults;
        req.log.info({ userId: account.id, movedResults: merge.movedResults }, "guest merged");
      }
    }
    req.log.info({ userId: account.id, provider: provider.id, created: account.created }, "signed in");
    await startSession(req, res, account, await issueRefreshToken(db, account.id));
    res.clearCookie(SIGNED_OUT_COOKIE, { path: REFRESH_COOKIE_PATH });
    backToWebApp(res, { signedIn: provider.id, racesMoved });
  });

  router.post("/refresh", limit, async (req, res) => {
    const presented = cookiesOf(req)[REFRESH_TOKEN_COOKIE];
    if (!presented) throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, "no refresh token: sign in first");
    const rotation = await rotateRefreshToken(db, presented, successorOf);
    if (!rotation.ok) {
      res.clearCookie(REFRESH_TOKEN_COOKIE, { path: REFRESH_COOKIE_PATH });
      if (rotation.reason === "reused") req.log.warn("refresh token reused: its whole family is revoked");
      throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, REFRESH_REFUSALS[rotation.reason]);
    }
    const session = await startSession(req, res, rotation.user, rotation.refresh);
    sendData<RefreshResponse>(res, 200, session);
  });

  // The account page: a registered account's own; a guest has none.
  const accountHolder = (res: Response) => {
    const user = signedInUser(res);
    if (user.guest) {
      throw new ApiError(
        403,
        ApiErrorCode.ACCOUNT_REQUIRED,
        "a guest has no account: sign in with a provider",
      );
    }
    return user;
  };
  const gone = () => new ApiError(401, ApiErrorCode.UNAUTHORIZED, "this account no longer exists");

  router.get("/account", requireUser(tokens), async (_req, res) => {
    const account = await accountDetails(db, accountHolder(res).id);
    if (!account) throw gone();
    const { identities, ...user } = account;
    sendData<AccountResponse>(res, 200, {
      user,
      identities: identities.map((identity) => ({
        provider: identity.provider,
        providerName: providers.get(identity.provider)?.name ?? identity.provider,
        linkedAt: identity.createdAt.toISOString(),
        lastSignInAt: identity.lastSignInAt.toISOString(),
      })),
    });
  });

  /** Renames the account; answers a fresh access token, which carries the new name. */
  router.patch("/account", limit, requireUser(tokens), async (req, res) => {
    const { name } = parseInput(renameBody, req.body ?? {}, "body");
    const user = await renameAccount(db, accountHolder(res).id, name);
    if (!user) throw gone();
    const access = await tokens.issueAccessToken(user, auth.accessTokenTtlS);
    res.cookie(ACCESS_TOKEN_COOKIE, access.token, accessCookie(req, access.expiresAt));
    sendData<SignInResponse>(res, 200, {
      user,
      accessToken: access.token,
      expiresAt: access.expiresAt.toISOString(),
    });
  });

  /** Deletes the account and its data (src/db/accounts.ts); its sessions go with it. */
  router.delete("/account", limit, requireUser(tokens), async (req, res) => {
    const user = accountHolder(res);
    if (!(await deleteAccount(db, user.id))) throw gone();
    req.log.info({ userId: user.id }, "account deleted");
    res.clearCookie(REFRESH_TOKEN_COOKIE, { path: REFRESH_COOKIE_PATH });
    res.clearCookie(ACCESS_TOKEN_COOKIE, { path: "/" });
    sendData<DeleteAccountResponse>(res, 200, { deleted: true });
  });

  router.post("/logout", limit, async (req, res) => {
    const presented = cookiesOf(req)[REFRESH_TOKEN_COOKIE];
    if (presented) await revokeRefreshToken(db, presented);
    res.clearCookie(REFRESH_TOKEN_COOKIE, { path: REFRESH_COOKIE_PATH });
    res.clearCookie(ACCESS_TOKEN_COOKIE, { path: "/" });
    res.cookie(SIGNED_OUT_COOKIE, "1", {
      httpOnly: true,
      sameSite: "lax",
      secure: req.secure,
      path: REFRESH_COOKIE_PATH,
      maxAge: SIGNED_OUT_COOKIE_MAX_AGE_MS,
    });
    sendData<SignOutResponse>(res, 200, { signedOut: true });
  });

  /**
   * Sets both cookies; answers what a sign-in response carries. The access token is issued at the
   * refresh token's moment, so that a duplicate refresh within the grace answers the very same pair.
   */
  async function startSession(req: Request, res: Response, user: TokenUser, refresh: IssuedRefreshToken) {
    const access = await tokens.issueAccessToken(user, auth.accessTokenTtlS, refresh.issuedAt);
    res.cookie(ACCESS_TOKEN_COOKIE, access.token, accessCookie(req, access.expiresAt));
    res.cookie(REFRESH_TOKEN_COOKIE, refresh.token, refreshCookie(req, refresh.expiresAt));
    const { id, name, guest } = user;
    return {
      user: { id, name, guest },
      accessToken: access.token,
      expiresAt: access.expiresAt.toISOString(),
    };
  }

  /** Whether the request comes from a registered account's session: a valid access or refresh cookie. */
  async function signedInAccount(req: Request): Promise<boolean> {
    const user = await userOf(tokens, req);
    if (user && !user.guest) return true;
    const refresh = cookiesOf(req)[REFRESH_TOKEN_COOKIE];
    return refresh !== undefined && (await isLiveRefreshToken(db, refresh));
  }

  return router;
}

const REFRESH_REFUSALS = {
  unknown: "unknown refresh token: sign in again",
  expired: "the refresh token has expired: sign in again",
  revoked: "this session was signed out: sign in again",
  reused: "this refresh token was already used, so the session was signed out everywhere: sign in again",
} as const;

/** The guest of the request's access token, if it has a valid one: they bring their races along. */
async function signedInGuest(tokens: TokenService, req: Request): Promise<TokenUser | undefined> {
  const user = await userOf(tokens, req);
  return user?.guest ? user : undefined;
}

/** The user of the request's access token (header or cookie), if it has a valid one. */
async function userOf(tokens: TokenService, req: Request): Promise<TokenUser | undefined> {
  const token = accessTokenOf(req);
  if (!token) return undefined;
  try {
    return await tokens.verifyAccessToken(token);
  } catch (error) {
    if (error instanceof TokenError) return undefined;
    throw error;
  }
}

/**
 * Lax, not Strict: the provider's redirect back is a cross-site navigation, and the cookie must
 * come along with it. Scoped to that provider's callback.
 */
function flowCookie(req: Request, provider: IdentityProvider): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    secure: req.secure,
    path: `/api/v1/auth/${provider.id}/callback`,
    maxAge: SIGN_IN_FLOW_TTL_S * 1000,
  };
}

/** Strict: only the web app's own requests to /refresh and /logout carry it. */
function refreshCookie(req: Request, expiresAt: Date): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "strict",
    secure: req.secure,
    path: REFRESH_COOKIE_PATH,
    expires: expiresAt,
  };
}

function cookiesOf(req: Request): Record<string, string | undefined> {
  return req.headers.cookie ? parseCookies(req.headers.cookie) : {};
}

function sameString(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
