/**
 * Access tokens: HS256 JWTs (the algorithm is pinned on both ends) carrying the user id (`sub`),
 * display name, guest flag and a token type claim, so no other kind of token can pass for one.
 * The HTTP API and the rooms' onAuth verify with the same function. Signed and verified by
 * fast-jwt, synchronously (node:crypto), each token's signature checked once while it is kept.
 */
import { createSigner, createVerifier, TokenError as JwtError } from "fast-jwt";
import { LRUCache } from "lru-cache";

const ALGORITHM = "HS256";
const ISSUER = "typephoon";
const ACCESS_TOKEN_TYPE = "access";
/**
 * Guests have no refresh token: their access token is their whole session. Registered accounts'
 * tokens last ACCESS_TOKEN_TTL_S (src/config.ts) and are renewed with a refresh token.
 */
export const GUEST_ACCESS_TOKEN_TTL_S = 24 * 60 * 60;

export interface TokenUser {
  id: string;
  name: string;
  guest: boolean;
}

interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export class TokenError extends Error {
  override name = "TokenError";
  readonly code: "UNAUTHORIZED" | "TOKEN_EXPIRED";

  constructor(code: TokenError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

export interface TokenService {
  issueAccessToken(user: TokenUser, ttlSeconds: number, now?: Date): Promise<IssuedToken>;
  /** Resolves to the token's user, or rejects with a TokenError. */
  verifyAccessToken(token: string): Promise<TokenUser>;
  /**
   * The user a token was signed for, from its signature and claims alone, or undefined: for a check
   * that the full verification already ran for the same player (a seat's owner taking it).
   */
  signedUserId(token: string): string | undefined;
}

const STANDING_CHECK_TIMEOUT_MS = 1000;
/**
 * Verified tokens remembered per process, by the token itself: a player's token is checked at the
 * lobby and again at the race, often within a second, and on every signed-in API call; the
 * signature is the costliest step of a join. (fast-jwt's own cache keys each token by its SHA-256,
 * a hash on every call that cost more than the rest of a kept token's check.)
 */
const VERIFIED_TOKENS_KEPT = 10_000;
/**
 * How far ahead of this process's clock another process's may run: a token's `iat` is the issuing
 * process's time. Later than that, the token was not issued by a process of ours.
 */
const CLOCK_SKEW_TOLERANCE_MS = 5_000;
/** A user id as PostgreSQL writes a uuid: anything else would fail in the first query that used it. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * fast-jwt compares a signature's decoded bytes, so the four spellings of an HS256 signature's last
 * character (its two lowest bits carry nothing) would all pass, each a token of its own to every
 * key made of a token (the per-session rate limit): only the canonical spelling does.
 */
const CANONICAL_HS256_SIGNATURE = /\.[\w-]{42}[AEIMQUYcgkosw048]$/;

interface AccessClaims {
  sub: string;
  exp: number;
  iat?: unknown;
  token_use?: unknown;
  name?: unknown;
  guest?: unknown;
}

/** Whether a token's user may still act: not once merged into an account, nor once deleted. */
export type UserStanding = "active" | "merged" | "deleted";

export interface TokenServiceOptions {
  /**
   * The user's standing now (src/db/accounts.ts): a guest whose races moved into a registered
   * account, or a user whose account was deleted, is refused, so that nothing new is written for
   * them.
   */
  standingOf?: (userId: string) => Promise<UserStanding>;
}

export function createTokenService(secret: string, options: TokenServiceOptions = {}): TokenService {
  const sign = createSigner({ key: secret, algorithm: ALGORITHM, iss: ISSUER });
  const verify = createVerifier({
    key: secret,
    algorithms: [ALGORITHM],
    allowedIss: ISSUER,
    allowedSub: USER_ID,
    requiredClaims: ["iss", "sub", "iat", "exp"],
  });
  const verified = new LRUCache<string, AccessClaims>({ max: VERIFIED_TOKENS_KEPT });
  const claimsOf = (token: string): AccessClaims => {
    let claims = verified.get(token);
    if (claims === undefined) {
      claims = verify(token) as AccessClaims;
      verified.set(token, claims);
    }
    return claims;
  };
  // A database outage (or stall) must not sign every player out: a merged or deleted user's token
  // only ever speaks for that user, so letting it through meanwhile harms nobody else.
  const standingOf = async (userId: string): Promise<UserStanding> => {
    if (!options.standingOf) return "active";
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<"active">((resolve) => {
      timer = setTimeout(resolve, STANDING_CHECK_TIMEOUT_MS, "active");
    });
    try {
      return await Promise.race([options.standingOf(userId), giveUp]);
    } catch {
      return "active";
    } finally {
      clearTimeout(timer);
    }
  };
  // Signature, algorithm, issuer, subject and nbf are fast-jwt's (checked once while a token is
  // kept); these checks are ours, and run on every call, expiry first.
  const verifiedClaims = (token: string): TokenUser => {
    if (!CANONICAL_HS256_SIGNATURE.test(token)) throw new TokenError("UNAUTHORIZED", "invalid access token");
    const claims = claimsOf(token);
    const now = Date.now();
    // fast-jwt still accepts a token in the very millisecond its expiry names.
    if (claims.exp * 1000 <= now) throw new TokenError("TOKEN_EXPIRED", "access token expired");
    if (typeof claims.iat !== "number" || claims.iat * 1000 > now + CLOCK_SKEW_TOLERANCE_MS) {
      throw new TokenError("UNAUTHORIZED", "invalid access token");
    }
    if (claims.token_use !== ACCESS_TOKEN_TYPE) throw new TokenError("UNAUTHORIZED", "not an access token");
    if (typeof claims.name !== "string" || typeof claims.guest !== "boolean") {
      throw new TokenError("UNAUTHORIZED", "malformed access token");
    }
    return { id: claims.sub, name: claims.name, guest: claims.guest };
  };
  return {
    async issueAccessToken(user, ttlSeconds, now = new Date()) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
      const token = sign({
        sub: user.id,
        name: user.name,
        guest: user.guest,
        token_use: ACCESS_TOKEN_TYPE,
        iat: issuedAt,
        exp: issuedAt + ttlSeconds,
      });
      return { token, expiresAt };
    },

    signedUserId(token) {
      try {
        return verifiedClaims(token).id;
      } catch {
        return undefined;
      }
    },

    async verifyAccessToken(token) {
      try {
        const user = verifiedClaims(token);
        const standing = await standingOf(user.id);
        if (standing === "merged") {
          throw new TokenError("UNAUTHORIZED", "this guest now belongs to an account: sign in with it");
        }
        if (standing === "deleted") throw new TokenError("UNAUTHORIZED", "this user no longer exists");
        return user;
      } catch (error) {
        if (error instanceof TokenError) throw error;
        if (error instanceof JwtError && error.code === JwtError.codes.expired) {
          throw new TokenError("TOKEN_EXPIRED", "access token expired");
        }
        throw new TokenError("UNAUTHORIZED", "invalid access token");
      }
    },
  };
}
