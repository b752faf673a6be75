import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mergeGuestInto } from "../../src/db/accounts.ts";
import { periodStart, rebuildAggregates } from "../../src/db/bests.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { testDatabaseUrl } from "../hooks.ts";
import {
  expectedAggregates,
  isoWeekMonday,
  newPlayer,
  record,
  seededRandom,
  storedAggregates,
  utcDay,
  variedRaces,
} from "../support/profiles.ts";

describe("profile and leaderboard aggregates (src/db/bests.ts)", () => {
  let db: Database;
  before(async () => {
    await applyMigrations(testDatabaseUrl());
    db = createDatabase(testDatabaseUrl());
  });
  after(async () => {
    await db?.close();
  });

  describe("periodStart", () => {
    const cases: Array<[string, string, string]> = [
      // instant, its UTC day, the Monday of its ISO week
      ["2025-03-09T23:59:59.999Z", "2025-03-09", "2025-03-03"], // a Sunday: the week's last moment
      ["2025-03-10T00:00:00.000Z", "2025-03-10", "2025-03-10"], // the Monday after
      ["2025-03-10T01:30:00+02:00", "2025-03-09", "2025-03-03"], // still Sunday in UTC
      ["2024-12-31T12:00:00Z", "2024-12-31", "2024-12-30"], // ISO week 1 of 2025 starts in 2024
      ["2024-02-29T08:00:00Z", "2024-02-29", "2024-02-26"],
      ["2021-01-03T10:00:00Z", "2021-01-03", "2020-12-28"], // week 53 of 2020
    ];
    for (const [instant, day, monday] of cases) {
      it(`puts ${instant} on ${day}, in the week of ${monday}`, () => {
        const at = new Date(instant);
        assert.equal(periodStart("day", at), day);
        assert.equal(periodStart("week", at), monday);
        assert.equal(periodStart("all", at), "1970-01-01");
        assert.deepEqual([utcDay(at), isoWeekMonday(at)], [day, monday], "the tests' own reckoning agrees");
      });
    }
  });

  it("equal a from-scratch reckoning over the races, written one by one and rebuilt", async () => {
    const random = seededRandom(4);
    const players = [
      await newPlayer(db, "Ada", false),
      await newPlayer(db, "Guest 1", true),
      await newPlayer(db, "Grace", false),
      await newPlayer(db, "No Races", true),
    ];
    const races = players.slice(0, 3).flatMap((player) => variedRaces(player.id, 40, random));
    // Ties on wpm and accuracy, decided by time, then by game id.
    const base = races.find((one) => one.rank !== null && !one.flagged && one.wordCount === 25)!;
    races.push({ ...base, gameId: randomUUID(), finishedAt: new Date(base.finishedAt!.getTime() + 1) });
    races.push({ ...base, gameId: randomUUID() });
    for (const one of races) await record(db, one);

    const ids = players.map((player) => player.id);
    const expected = expectedAggregates(races, players);
    assert.ok(expected.bests.length > 100, "a story with many periods");
    assert.deepEqual(await storedAggregates(db, ids), expected, "kept one result at a time");

    await rebuildAggregates(db.sql, ids);
    assert.deepEqual(await storedAggregates(db, ids), expected, "rebuilt from game_results");
  });

  it("follow a guest's races into the account the guest signs in to", async () => {
    const random = seededRandom(7);
    const guest = await newPlayer(db, "Guest 2", true);
    const account = await newPlayer(db, "Lin", false);
    const guestRaces = variedRaces(guest.id, 15, random);
    const accountRaces = variedRaces(account.id, 15, random, Date.UTC(2025, 2, 3));
    // A race both played: the account keeps its result, the guest's stays with the guest.
    const sharedAt = guestRaces.findIndex((one) => one.rank !== null);
    const shared = { ...guestRaces[sharedAt]!, rank: 2, flagged: false, won: false, playerCount: 2 };
    guestRaces[sharedAt] = shared;
    accountRaces.push({ ...shared, userId: account.id, rank: 1, won: true, wpm: shared.wpm + 1 });
    for (const one of [...guestRaces, ...accountRaces]) await record(db, one);

    await mergeGuestInto(db, guest.id, account.id);

    const moved = guestRaces.filter((one) => one !== shared).map((one) => ({ ...one, userId: account.id }));
    const after = [shared, ...accountRaces, ...moved];
    assert.deepEqual(
      await storedAggregates(db, [guest.id, account.id]),
      expectedAggregates(after, [guest, account]),
    );
    const best = await db.prisma.bestResult.findFirstOrThrow({
      where: { userId: account.id, period: "all", wordCount: 25 },
    });
    assert.equal(best.guest, false, "now on the all-time board");
  });
});
