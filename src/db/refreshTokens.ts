/**
 * Refresh tokens of registered accounts: opaque strings of which only the sha256 is kept. A
 * sign-in starts a family with a random token; each refresh rotates the presented token (it
 * becomes invalid) to the next of the family. A rotated token presented again means two parties
 * hold the family (one of them stole it), so the whole family is revoked and both must sign in
 * again — unless it comes within `REFRESH_GRACE_MS` of its rotation while its successor is still
 * unused: that is one browser asking twice at once (two tabs restoring a session, a page gone
 * before its answer came), and it gets the same successor again.
 */
import { createHash, createHmac, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import type { Database } from "./database.ts";
import type { UserRecord } from "./users.ts";

const REFRESH_TOKEN_TTL_S = 30 * 24 * 60 * 60;
/** How long a rotated token still answers with its unused successor (docs/api.md). */
const REFRESH_GRACE_MS = 10_000;

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  /** when it was issued: a duplicate refresh's access token is issued at the same moment */
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * The token that follows another in its family: an HMAC of it under a key derived from the
 * server's secret. Only hashes are kept, so this is how a duplicate presentation within the grace
 * can be answered with the very successor the first one got; nobody without the secret can
 * compute one.
 */
export type SuccessorOf = (token: string) => string;

export function refreshTokenSuccession(secret: string): SuccessorOf {
  const key = Buffer.from(hkdfSync("sha256", secret, "", "typephoon refresh token successor", 32));
  return (token) => createHmac("sha256", key).update(token, "utf8").digest("base64url");
}

export type RotationResult =
  | { ok: true; user: UserRecord; refresh: IssuedRefreshToken }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "reused" };

const userFields = { id: true, name: true, guest: true } as const;

export function hashRefreshToken(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash("sha256").update(token, "utf8").digest());
}

/** Prisma's client, or an open transaction of it. */
type Writer = Pick<Database["prisma"], "refreshToken">;

/** The first token of a new family: a sign-in. */
export function issueRefreshToken(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<IssuedRefreshToken> {
  return insertRefreshToken(db.prisma, userId, randomUUID(), randomBytes(32).toString("base64url"), now);
}

async function insertRefreshToken(
  db: Writer,
  userId: string,
  familyId: string,
  token: string,
  now: Date,
): Promise<IssuedRefreshToken> {
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_S * 1000);
  await db.refreshToken.create({
    data: { tokenHash: hashRefreshToken(token), familyId, userId, createdAt: now, expiresAt },
  });
  return { token, familyId, issuedAt: now, expiresAt };
}

/** Exchanges a token for its successor, once (or twice within the grace); see the module comment. */
export function rotateRefreshToken(
  db: Database,
  token: string,
  successorOf: SuccessorOf,
  now = new Date(),
): Promise<RotationResult> {
  return db.prisma.$transaction(async (tx) => {
    const presented = await tx.refreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(token) },
      include: { user: { select: userFields } },
    });
    if (!presented) return { ok: false, reason: "unknown" };
    if (presented.revokedAt) return { ok: false, reason: "revoked" };
    const successor = successorOf(token);
    if (!presented.rotatedAt) {
      if (presented.expiresAt <= now) return { ok: false, reason: "expired" };
      // The row lock taken here makes a concurrent rotation of the same token wait, then find it
      // rotated: the second of two presentations is judged as a duplicate below.
      const claimed = await tx.refreshToken.updateMany({
        where: { id: presented.id, rotatedAt: null, revokedAt: null },
        data: { rotatedAt: now },
      });
      if (claimed.count === 1) {
        const refresh = await insertRefreshToken(tx, presented.userId, presented.familyId, successor, now);
        return { ok: true, user: presented.user, refresh };
      }
    }
    // Presented again after its rotation (this statement sees the rotation committed meanwhile).
    const next = await tx.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(successor) } });
    const duplicate =
      next !== null &&
      next.familyId === presented.familyId &&
      next.rotatedAt === null &&
      next.revokedAt === null &&
      now.getTime() - next.createdAt.getTime() <= REFRESH_GRACE_MS;
    if (duplicate) {
      const refresh = {
        token: successor,
        familyId: next.familyId,
        issuedAt: next.createdAt,
        expiresAt: next.expiresAt,
      };
      return { ok: true, user: presented.user, refresh };
    }
    await revokeFamily(tx, presented.familyId, now);
    return { ok: false, reason: "reused" };
  });
}

/** Whether the token is a live session's: known, neither rotated, revoked nor expired. */
export async function isLiveRefreshToken(db: Database, token: string, now = new Date()): Promise<boolean> {
  const presented = await db.prisma.refreshToken.findUnique({
    where: { tokenHash: hashRefreshToken(token) },
    select: { rotatedAt: true, revokedAt: true, expiresAt: true },
  });
  return !!presented && !presented.rotatedAt && !presented.revokedAt && presented.expiresAt > now;
}

/** Signs the token's session out: its whole family. False when the token is unknown. */
export async function revokeRefreshToken(db: Database, token: string, now = new Date()): Promise<boolean> {
  const presented = await db.prisma.refreshToken.findUnique({
    where: { tokenHash: hashRefreshToken(token) },
    select: { familyId: true },
  });
  if (!presented) return false;
  await revokeFamily(db.prisma, presented.familyId, now);
  return true;
}

async function revokeFamily(db: Writer, familyId: string, now: Date): Promise<void> {
  await db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
}
