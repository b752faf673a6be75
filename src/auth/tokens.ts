/**
 * Access tokens: HS256 JWTs (the algorithm is pinned on both ends) carrying the user id (`sub`),
 * display name, guest flag and a token type claim, so no other kind of token can pass for one.
 * The HTTP API and the rooms' onAuth verify with the same function.
 */
import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";

const ALGORITHM = "HS256";
const ISSUER = "typephoon";
export const ACCESS_TOKEN_TYPE = "access";
/** Guests have no refresh token: their access token is their whole session. */
export const GUEST_ACCESS_TOKEN_TTL_S = 24 * 60 * 60;
/** Registered accounts refresh theirs with a refresh token (src/db/refreshTokens.ts). */
export const REGISTERED_ACCESS_TOKEN_TTL_S = 15 * 60;

export interface TokenUser {
  id: string;
  name: string;
  guest: boolean;
}

export interface IssuedToken {
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
}

const MERGED_GUEST_CHECK_TIMEOUT_MS = 1000;
/** Verified tokens remembered per process; the oldest are forgotten first. */
const VERIFIED_TOKENS_KEPT = 10_000;

export interface TokenServiceOptions {
  /**
   * Whether a guest's races have moved into a registered account (src/db/accounts.ts): the
   * guest's old tokens then stop working, so nothing new is written for the old guest.
   */
  isMergedGuest?: (userId: string) => Promise<boolean>;
}

export function createTokenService(secret: string, options: TokenServiceOptions = {}): TokenService {
  const secretBytes = new TextEncoder().encode(secret);
  // Imported once: given raw bytes, jose imports the key again for every signature (2× the cost).
  const key = crypto.subtle.importKey("raw", secretBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  // A database outage (or stall) must not sign every guest out of the rooms: a merged guest's
  // token only ever speaks for that guest, so letting it through meanwhile harms nobody else.
  const isMergedGuest = async (userId: string) => {
    if (!options.isMergedGuest) return false;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, MERGED_GUEST_CHECK_TIMEOUT_MS, false);
    });
    try {
      return await Promise.race([options.isMergedGuest(userId), giveUp]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  // The signature is checked with node:crypto, synchronously: jose checks through WebCrypto, which
  // queues every check on the thread pool and cost 0.26 ms of server CPU per room join in the
  // join-burst bench, against ~0.02 ms here (bench/README.md). Given raw bytes, createHmac makes a
  // key object of them on every call: 24 µs a check, against 3.6 µs with this one made once.
  const hmacKey = createSecretKey(secretBytes);
  const hasValidSignature = (token: string): boolean => {
    const signatureAt = token.lastIndexOf(".");
    // Compared as text: only the one canonical spelling of the signature passes.
    const given = Buffer.from(token.slice(signatureAt + 1));
    const expected = Buffer.from(
      createHmac("sha256", hmacKey).update(token.slice(0, signatureAt)).digest("base64url"),
    );
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  // A player's token is checked at the lobby and again at the race, often within a second, and a
  // signature check is the costliest step of a join: each token's claims are checked once while
  // it is valid (its expiry still applies; the merged-guest check still runs every time).
  const verified = new Map<string, { user: TokenUser; expiresAtMs: number }>();
  const verifiedClaims = (token: string): TokenUser => {
    const known = verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.user;
    verified.delete(token);
    // The signature covers everything before the last "."; decodeJwt then rejects anything but
    // three well-formed parts.
    if (decodeProtectedHeader(token).alg !== ALGORITHM || !hasValidSignature(token)) {
      throw new TokenError("UNAUTHORIZED", "invalid access token");
    }
    const payload = decodeJwt(token);
    if (
      payload.iss !== ISSUER ||
      typeof payload.sub !== "string" ||
      typeof payload.iat !== "number" ||
      typeof payload.exp !== "number"
    ) {
      throw new TokenError("UNAUTHORIZED", "invalid access token");
    }
    if (payload.exp * 1000 <= Date.now()) throw new TokenError("TOKEN_EXPIRED", "access token expired");
    if (payload.token_use !== ACCESS_TOKEN_TYPE) throw new TokenError("UNAUTHORIZED", "not an access token");
    if (typeof payload.name !== "string" || typeof payload.guest !== "boolean") {
      throw new TokenError("UNAUTHORIZED", "malformed access token");
    }
    const user = { id: payload.sub, name: payload.name, guest: payload.guest };
    if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(token, { user, expiresAtMs: payload.exp * 1000 });
    return user;
  };
  return {
    async issueAccessToken(user, ttlSeconds, now = new Date()) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
      const token = await new SignJWT({ name: user.name, guest: user.guest, token_use: ACCESS_TOKEN_TYPE })
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setIssuedAt(issuedAt)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(await key);
      return { token, expiresAt };
    },

    async verifyAccessToken(token) {
      try {
        const user = verifiedClaims(token);
        if (user.guest && (await isMergedGuest(user.id))) {
          throw new TokenError("UNAUTHORIZED", "this guest now belongs to an account: sign in with it");
        }
        return user;
      } catch (error) {
        if (error instanceof TokenError) throw error;
        throw new TokenError("UNAUTHORIZED", "invalid access token");
      }
    },
  };
}
