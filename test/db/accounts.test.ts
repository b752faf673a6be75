import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { UserStanding } from "../../src/auth/tokens.ts";
import { mergeGuestInto, signInAccount, userStandingCheck } from "../../src/db/accounts.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { raceStore, recordResult } from "../../src/db/races.ts";
import { createGuestUser } from "../../src/db/users.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { createGameOf, race, resultOf } from "../support/profiles.ts";
import { playedRace } from "../support/results.ts";

describe("accounts (src/db/accounts.ts)", () => {
  let db: Database;
  let standingOf: (userId: string) => Promise<UserStanding>;
  const isMergedGuest = async (userId: string) => (await standingOf(userId)) === "merged";
  before(async () => {
    await applyMigrations(testDatabaseUrl());
    db = createDatabase(testDatabaseUrl());
    standingOf = userStandingCheck(db);
  });
  after(async () => {
    await db?.close();
  });

  const account = (name: string) =>
    signInAccount(db, { provider: "test", subject: randomUUID(), name }, "Fallback Name");
  const resultsOf = (userId: string) =>
    db.prisma.gameResult.findMany({
      where: { userId },
      select: { gameId: true, wpm: true },
      orderBy: { wpm: "asc" },
    });

  describe("signInAccount", () => {
    it("creates the account once, then finds it and keeps the name when the provider gives none", async () => {
      const subject = randomUUID();
      const first = await signInAccount(db, { provider: "test", subject, name: "Ada" }, "Fallback");
      const again = await signInAccount(db, { provider: "test", subject, name: undefined }, "Fallback");
      assert.deepEqual(first, { id: first.id, name: "Ada", guest: false, created: true });
      assert.deepEqual(again, { ...first, created: false });
    });

    it("creates one account when the same first sign-in completes several times at once", async () => {
      const subject = randomUUID();
      const accounts = await Promise.all(
        Array.from({ length: 5 }, () => signInAccount(db, { provider: "test", subject, name: "Twin" }, "x")),
      );
      assert.equal(new Set(accounts.map((a) => a.id)).size, 1);
      assert.equal(accounts.filter((a) => a.created).length, 1);
    });

    it("uses the fallback name for a provider that gives none", async () => {
      const user = await signInAccount(
        db,
        { provider: "test", subject: randomUUID(), name: undefined },
        "Swift Otter 1",
      );
      assert.equal(user.name, "Swift Otter 1");
    });
  });

  describe("userStandingCheck", () => {
    it("answers each of many joins at once: merged guests, deleted users and the others", async () => {
      const ada = await account("Ada");
      const guests = await Promise.all(
        Array.from({ length: 6 }, (_, i) => createGuestUser(db, `Guest ${i}`)),
      );
      for (const guest of guests.slice(0, 2)) await mergeGuestInto(db, guest.id, ada.id);
      await db.prisma.user.delete({ where: { id: guests[2]!.id } });
      const asked = [...guests, ...guests, ada].map((user) => user.id).concat(randomUUID());
      const expected = (id: string): UserStanding => {
        if (id === guests[0]!.id || id === guests[1]!.id) return "merged";
        if (id === guests[2]!.id || !asked.slice(0, -1).includes(id)) return "deleted";
        return "active";
      };
      assert.deepEqual(await Promise.all(asked.map((id) => standingOf(id))), asked.map(expected));
    });
  });

  describe("mergeGuestInto", () => {
    it("moves a guest's races into the account once and marks the guest merged", async () => {
      const guest = await createGuestUser(db, "Guest");
      const ada = await account("Ada");
      await playedRace(db, guest.id, 50);
      await playedRace(db, guest.id, 60);

      assert.deepEqual(await mergeGuestInto(db, guest.id, ada.id), { merged: true, movedResults: 2 });
      assert.deepEqual(await mergeGuestInto(db, guest.id, ada.id), { merged: false, movedResults: 0 });

      assert.deepEqual(
        (await resultsOf(ada.id)).map((r) => r.wpm),
        [50, 60],
      );
      assert.deepEqual(await resultsOf(guest.id), []);
      assert.equal(await isMergedGuest(guest.id), true);
      assert.equal(await isMergedGuest(ada.id), false);
    });

    it("gives the rating to an account with no rated race; one that has rated races keeps its own", async () => {
      /** A rated public race the first player wins against the second, written and ended as the room does. */
      const ratedWin = async (winner: string, loser: string) => {
        const gameId = randomUUID();
        for (const [userId, rank] of [
          [winner, 1],
          [loser, 2],
        ] as const) {
          const one = race(userId, { gameId, rank, playerCount: 2 });
          await createGameOf(db, one);
          await recordResult(db, resultOf(one));
        }
        await raceStore(db).endGame(gameId, new Date());
      };
      const skillOf = (userId: string) =>
        db.prisma.user.findUniqueOrThrow({
          where: { id: userId },
          select: { mu: true, sigma: true, rating: true, ratedRaces: true },
        });
      const guest = await createGuestUser(db, "Guest");
      const later = await createGuestUser(db, "Later guest");
      const rival = await createGuestUser(db, "Rival");
      const ada = await account("Ada");
      await ratedWin(guest.id, rival.id);
      await ratedWin(guest.id, rival.id);
      const guestSkill = await skillOf(guest.id);
      assert.equal(guestSkill.ratedRaces, 2);

      await mergeGuestInto(db, guest.id, ada.id);
      assert.deepEqual(await skillOf(ada.id), guestSkill, "an account without rated races takes the guest's");

      await ratedWin(rival.id, later.id);
      assert.equal((await mergeGuestInto(db, later.id, ada.id)).merged, true);
      assert.deepEqual(await skillOf(ada.id), guestSkill, "an account with rated races keeps its own");
      const moved = await db.prisma.gameResult.findMany({
        where: { userId: ada.id },
        select: { ratingBefore: true },
      });
      assert.equal(moved.length, 3, "the races move all the same, with their ratings before and after");
      assert.ok(moved.every((result) => result.ratingBefore !== null));
    });

    it("keeps the account's result for a race both played, and the guest's stays with the guest", async () => {
      const guest = await createGuestUser(db, "Guest");
      const grace = await account("Grace");
      const shared = await playedRace(db, grace.id, 90);
      await playedRace(db, guest.id, 40, shared);
      const guestOnly = await playedRace(db, guest.id, 45);

      assert.deepEqual(await mergeGuestInto(db, guest.id, grace.id), { merged: true, movedResults: 1 });

      assert.deepEqual(await resultsOf(grace.id), [
        { gameId: guestOnly, wpm: 45 },
        { gameId: shared, wpm: 90 },
      ]);
      assert.deepEqual(await resultsOf(guest.id), [{ gameId: shared, wpm: 40 }]);
    });

    it("keeps personal bests, leaderboard rows and statistics in step with the moved races", async () => {
      const guest = await createGuestUser(db, "Guest");
      const ada = await account("Ada");
      await playedRace(db, ada.id, 70);
      await playedRace(db, guest.id, 85);
      await playedRace(db, guest.id, 60);

      await mergeGuestInto(db, guest.id, ada.id);

      const stats = await db.prisma.userStats.findUnique({ where: { userId: ada.id } });
      assert.equal(stats?.races, 3);
      const best = await db.prisma.bestResult.findFirst({
        where: { userId: ada.id, period: "all", wordCount: 3 },
      });
      assert.deepEqual({ wpm: best?.wpm, guest: best?.guest }, { wpm: 85, guest: false });
      assert.equal(await db.prisma.userStats.count({ where: { userId: guest.id } }), 0);
      assert.equal(await db.prisma.bestResult.count({ where: { userId: guest.id } }), 0);
    });

    it("moves the races exactly once when merges of one guest into two accounts race each other", async () => {
      const guest = await createGuestUser(db, "Guest");
      const [first, second] = [await account("First"), await account("Second")];
      for (const wpm of [30, 31, 32]) await playedRace(db, guest.id, wpm);

      const merges = await Promise.all(
        Array.from({ length: 6 }, (_, i) => mergeGuestInto(db, guest.id, (i % 2 ? first : second).id)),
      );

      assert.equal(merges.filter((m) => m.merged).length, 1);
      assert.equal(
        merges.reduce((sum, m) => sum + m.movedResults, 0),
        3,
      );
      const moved = [...(await resultsOf(first.id)), ...(await resultsOf(second.id))];
      assert.deepEqual(
        moved.map((r) => r.wpm),
        [30, 31, 32],
      );
    });

    it("merges two guests into one account at once without losing or doubling a race", async () => {
      const [morning, evening] = [await createGuestUser(db, "Morning"), await createGuestUser(db, "Evening")];
      const owner = await account("Owner");
      const shared = await playedRace(db, morning.id, 70);
      await playedRace(db, evening.id, 75, shared);
      await playedRace(db, evening.id, 80);

      const merges = await Promise.all([
        mergeGuestInto(db, morning.id, owner.id),
        mergeGuestInto(db, evening.id, owner.id),
      ]);

      assert.deepEqual(
        merges.map((m) => m.merged),
        [true, true],
      );
      const results = await resultsOf(owner.id);
      assert.equal(results.length, 2, "one result per race");
      assert.deepEqual(new Set(results.map((r) => r.gameId)).size, 2);
    });

    it("does nothing for an account, a missing user, or a guest into another guest", async () => {
      const guest = await createGuestUser(db, "Guest");
      const other = await createGuestUser(db, "Other");
      const ada = await account("Ada");
      const nothing = { merged: false, movedResults: 0 };
      assert.deepEqual(await mergeGuestInto(db, ada.id, (await account("B")).id), nothing);
      assert.deepEqual(await mergeGuestInto(db, guest.id, other.id), nothing);
      assert.deepEqual(await mergeGuestInto(db, randomUUID(), ada.id), nothing);
      assert.deepEqual(await mergeGuestInto(db, guest.id, guest.id), nothing);
      assert.equal(await isMergedGuest(guest.id), false);
    });
  });
});
