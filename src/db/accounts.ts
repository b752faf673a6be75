/**
 * Registered accounts: found or created by the identity a provider vouches for, the one-time move
 * of a guest's races into the account the guest signed in to, and what the account page does —
 * read the account, rename it, delete it with everything it holds.
 */

import type { UserStanding } from "../auth/tokens.ts";
import { batchedByKey } from "./batchedByKey.ts";
import { rebuildAggregates } from "./bests.ts";
import type { Database } from "./database.ts";
import { Prisma } from "./generated/client.ts";
import type { UserRecord } from "./users.ts";

export interface ProviderIdentity {
  /** the configured provider id, e.g. "google" */
  provider: string;
  /** the provider's id for the person; stays in the database */
  subject: string;
  /** the display name the provider gives now; undefined keeps the account's name */
  name: string | undefined;
}

const userFields = { id: true, name: true, guest: true } as const;

/**
 * The account of this identity, its name refreshed from the provider unless the player chose one
 * (`renameAccount`); created on first sign-in (`fallbackName` when the provider gives no name).
 */
export async function signInAccount(
  db: Database,
  identity: ProviderIdentity,
  fallbackName: string,
  now = new Date(),
): Promise<UserRecord & { created: boolean }> {
  const key = { provider: identity.provider, subject: identity.subject };
  const attempt = () =>
    db.prisma.$transaction(async (tx) => {
      const known = await tx.userIdentity.findUnique({ where: { provider_subject: key } });
      if (known) {
        await tx.userIdentity.update({ where: { provider_subject: key }, data: { lastSignInAt: now } });
        if (identity.name !== undefined) {
          // A name the player chose themselves stays theirs.
          await tx.user.updateMany({
            where: { id: known.userId, nameChosenAt: null },
            data: { name: identity.name },
          });
        }
        const user = await tx.user.findUniqueOrThrow({ where: { id: known.userId }, select: userFields });
        return { ...user, created: false };
      }
      const user = await tx.user.create({
        data: {
          name: identity.name ?? fallbackName,
          guest: false,
          identities: { create: { ...key, createdAt: now, lastSignInAt: now } },
        },
        select: userFields,
      });
      return { ...user, created: true };
    });
  const signedIn = await attempt().catch((error: unknown) => {
    // The same first sign-in completing twice at once (two tabs): the loser's transaction rolled
    // back whole, and the account the winner created is found on the second try.
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  });
  // The provider's name may have replaced the one kept beside the player's places.
  if (!signedIn.created && identity.name !== undefined) db.notices.changed([signedIn.id]);
  return signedIn;
}

export interface GuestMerge {
  /** false: nothing happened (already merged, not a guest, no such user, …) */
  merged: boolean;
  /** results moved to the account (a race both played keeps the account's result) */
  movedResults: number;
}

/**
 * Moves a guest's races into a registered account, once: the guest is then marked merged, and
 * its access tokens stop working (src/auth/tokens.ts). Concurrent calls for the same guest move
 * its results exactly once; the others answer `merged: false`.
 *
 * A race both the guest and the account played keeps the account's result; the guest's stays
 * on the merged guest, so that race's ranking is unchanged. Both users' statistics, personal
 * bests and leaderboard rows (src/db/bests.ts) are recomputed in the same transaction.
 *
 * The rating (src/game/rating.ts) follows the races: an account with no rated race yet takes the
 * guest's skill, rating and rated races whole; an account with rated races keeps its own and adds
 * nothing of the guest's (two skills learnt apart cannot be added up, and replaying the guest's
 * races into the account's would rewrite the ratings before and after its races already show).
 */
export async function mergeGuestInto(
  db: Database,
  guestId: string,
  accountId: string,
  now = new Date(),
): Promise<GuestMerge> {
  const nothing: GuestMerge = { merged: false, movedResults: 0 };
  if (guestId === accountId) return nothing;
  const merge = await db.prisma.$transaction(async (tx) => {
    // Both users locked, always in the same order, so merges of two guests into one account (or
    // a guest into two accounts) run one after the other instead of deadlocking. The locks also
    // hold off results being written for either user until the move is done.
    const users = await tx.$queryRaw<
      Array<{ id: string; guest: boolean; merged_into: string | null; rated_races: number }>
    >`
      SELECT id::text, guest, merged_into::text, rated_races FROM users
      WHERE id IN (${guestId}::uuid, ${accountId}::uuid)
      ORDER BY id FOR UPDATE`;
    const guest = users.find((user) => user.id === guestId);
    const account = users.find((user) => user.id === accountId);
    if (!guest?.guest || guest.merged_into !== null || !account || account.guest) return nothing;
    const movedResults = await tx.$executeRaw`
      UPDATE game_results SET user_id = ${accountId}::uuid
      WHERE user_id = ${guestId}::uuid
        AND game_id NOT IN (SELECT game_id FROM game_results WHERE user_id = ${accountId}::uuid)`;
    if (movedResults > 0) await rebuildAggregates(tx, [guestId, accountId]);
    if (account.rated_races === 0 && guest.rated_races > 0) {
      await tx.$executeRaw`
        UPDATE users AS a SET mu = g.mu, sigma = g.sigma, rating = g.rating, rated_races = g.rated_races
        FROM users AS g WHERE a.id = ${accountId}::uuid AND g.id = ${guestId}::uuid`;
    }
    await tx.user.update({ where: { id: guestId }, data: { mergedIntoId: accountId, mergedAt: now } });
    return { merged: true, movedResults };
  });
  if (merge.merged) db.notices.changed([guestId, accountId]);
  return merge;
}

/**
 * Whether a user may still act: `active`, a guest whose races moved into an account (`merged`), or
 * no user at all any more (`deleted`). It runs on every room join and API call: an active user's
 * standing is kept until a notice says the user was merged or deleted (src/db/userNotices.ts), and
 * the checks of one moment share one query (src/db/batchedByKey.ts), in raw SQL without Prisma's
 * client (a model query costs Prisma's query compiler far more CPU than the lookup itself).
 */
export function userStandingCheck(db: Database): (userId: string) => Promise<UserStanding> {
  const read = batchedByKey(async (userIds: string[]) => {
    const rows = await db.sql.$queryRaw<Array<{ id: string; merged: boolean }>>`
      SELECT id::text, merged_into IS NOT NULL AS merged FROM users WHERE id = ANY(${userIds}::uuid[])`;
    return new Map(rows.map(({ id, merged }): [string, UserStanding] => [id, merged ? "merged" : "active"]));
  }, "deleted");
  return db.notices.keep<UserStanding>(read, (standing) => standing === "active").of;
}

export interface AccountDetails extends UserRecord {
  identities: Array<{ provider: string; createdAt: Date; lastSignInAt: Date }>;
}

/** A registered account and the providers it signs in with; null for a guest or nobody. */
export async function accountDetails(db: Database, userId: string): Promise<AccountDetails | null> {
  const user = await db.prisma.user.findUnique({
    where: { id: userId },
    select: {
      ...userFields,
      identities: {
        select: { provider: true, createdAt: true, lastSignInAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  return user && !user.guest ? user : null;
}

/** Gives a registered account the name its player chose, kept over the provider's from then on. */
export async function renameAccount(
  db: Database,
  userId: string,
  name: string,
  now = new Date(),
): Promise<UserRecord | null> {
  const renamed = await db.prisma.user.updateMany({
    where: { id: userId, guest: false },
    data: { name, nameChosenAt: now },
  });
  if (renamed.count === 0) return null;
  db.notices.changed([userId]);
  return db.prisma.user.findUnique({ where: { id: userId }, select: userFields });
}

/**
 * Deletes a registered account and everything it holds: its results, bests, statistics, identities
 * and refresh tokens (all cascade from `users`), and the guests merged into it, with the results of
 * theirs that stayed behind. Those guests go too: `merged_into` would otherwise be cleared, and their
 * old tokens would work again. Other players' results of the same races stay as they are.
 * Answers whether there was such an account.
 */
export async function deleteAccount(db: Database, userId: string): Promise<boolean> {
  const deleted = await db.prisma.$executeRaw`
    DELETE FROM users
    WHERE (id = ${userId}::uuid AND NOT guest) OR merged_into = ${userId}::uuid`;
  // The guests merged into it go too; their notices say so (src/db/userNotices.ts).
  db.notices.changed([userId]);
  return deleted > 0;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
