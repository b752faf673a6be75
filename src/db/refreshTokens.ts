/**
 * Refresh tokens of registered accounts: opaque random strings of which only the sha256 is kept.
 * A sign-in starts a family; each refresh rotates the presented token (it becomes invalid) to a
 * new one of the same family. A rotated token presented again means two parties hold the family
 * (one of them stole it), so the whole family is revoked and both must sign in again.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Database } from "./database.ts";
import type { UserRecord } from "./users.ts";

const REFRESH_TOKEN_TTL_S = 30 * 24 * 60 * 60;

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
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

/** A new token for the user: a new family (sign-in) or the next of a family (rotation). */
export function issueRefreshToken(
  db: Database,
  userId: string,
  familyId: string = randomUUID(),
  now = new Date(),
): Promise<IssuedRefreshToken> {
  return insertRefreshToken(db.prisma, userId, familyId, now);
}

async function insertRefreshToken(
  db: Writer,
  userId: string,
  familyId: string,
  now: Date,
): Promise<IssuedRefreshToken> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_S * 1000);
  await db.refreshToken.create({
    data: { tokenHash: hashRefreshToken(token), familyId, userId, createdAt: now, expiresAt },
  });
  return { token, familyId, expiresAt };
}

/** Exchanges a token for its successor, exactly once; see the module comment for reuse. */
export function rotateRefreshToken(db: Database, token: string, now = new Date()): Promise<RotationResult> {
  return db.prisma.$transaction(async (tx) => {
    const presented = await tx.refreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(token) },
      include: { user: { select: userFields } },
    });
    if (!presented) return { ok: false, reason: "unknown" };
    if (presented.revokedAt) return { ok: false, reason: "revoked" };
    if (presented.rotatedAt) {
      await revokeFamily(tx, presented.familyId, now);
      return { ok: false, reason: "reused" };
    }
    if (presented.expiresAt <= now) return { ok: false, reason: "expired" };
    // The row lock taken here makes a concurrent rotation of the same token wait, then find it
    // rotated: two presentations of one token are a reuse, whoever came second.
    const claimed = await tx.refreshToken.updateMany({
      where: { id: presented.id, rotatedAt: null, revokedAt: null },
      data: { rotatedAt: now },
    });
    if (claimed.count === 0) {
      await revokeFamily(tx, presented.familyId, now);
      return { ok: false, reason: "reused" };
    }
    const refresh = await insertRefreshToken(tx, presented.userId, presented.familyId, now);
    return { ok: true, user: presented.user, refresh };
  });
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
