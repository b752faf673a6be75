/**
 * Places kept in memory (src/db/keptBoards.ts) against PostgreSQL's own count (boardPlaces), on a
 * scratch database whose boards hold only this file's races: ties on every column but the user id,
 * guests on the daily and weekly boards only, and results, renames, merges and deletions written
 * by this process and by another.
 */
import assert from "node:assert/strict";
import { deleteAccount, mergeGuestInto, renameAccount } from "../../src/db/accounts.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { type KeptBoards, keptBoards } from "../../src/db/keptBoards.ts";
import { type BoardRequest, boardPlaces, type LeaderboardEntry } from "../../src/db/leaderboards.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import type { Queries } from "../../src/db/queries.ts";
import { userNotices } from "../../src/db/userNotices.ts";
import { eventually } from "../support/players.ts";
import { newPlayer, onceShown, type Player, race, record, seededRandom } from "../support/profiles.ts";
import { createScratchDatabase } from "../support/services.ts";
import { startTcpProxy } from "../support/tcpProxy.ts";

const DAY = new Date("2025-03-10T00:00:00Z");
const BOARDS: BoardRequest[] = [
  { period: "daily", words: 25, at: DAY },
  { period: "weekly", words: 25, at: DAY },
  { period: "all", words: 25, at: DAY },
];

/** The queries a handle sent, and a hold on the answers of those that match, released by hand. */
function observed(sql: Queries) {
  const texts: string[] = [];
  let hold: { match: RegExp; released: Promise<void> } | undefined;
  const run =
    <K extends keyof Queries>(method: K) =>
    async (strings: TemplateStringsArray, ...values: unknown[]) => {
      const text = strings.join("?");
      texts.push(text);
      const held = hold?.match.test(text) ? hold.released : undefined;
      const answer = await (sql[method] as (s: TemplateStringsArray, ...v: unknown[]) => Promise<never>)(
        strings,
        ...values,
      );
      await held;
      return answer;
    };
  const queries: Queries = { $queryRaw: run("$queryRaw"), $executeRaw: run("$executeRaw") };
  return {
    queries,
    texts,
    /** Answers to queries matching `match` wait until the returned function is called. */
    hold(match: RegExp) {
      let release!: () => void;
      hold = { match, released: new Promise<void>((resolve) => (release = resolve)) };
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

const counts = (texts: string[]) => texts.filter((text) => text.includes("count(*)")).length;

describe("kept boards (src/db/keptBoards.ts): callers' places from memory", function () {
  this.timeout(30_000);
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  /** This process: the kept boards' handle, whose own writes they hear at once. */
  let here: Database;
  /** Another process, whose writes reach the kept boards by notice. */
  let elsewhere: Database;
  const players: Player[] = [];
  const random = seededRandom(28);

  before(async function () {
    this.timeout(60_000);
    scratch = await createScratchDatabase("typephoon_kept_boards");
    await applyMigrations(scratch.url);
    here = createDatabase(scratch.url);
    elsewhere = createDatabase(scratch.url);
    for (let i = 0; i < 24; i++) players.push(await newPlayer(elsewhere, `Racer ${i}`, i % 4 === 0));
    // Few distinct figures and moments: ties on wpm, accuracy and finish, broken by the user id.
    for (const player of players) {
      for (let i = 0; i < 3; i++) await record(elsewhere, tiedRace(player));
    }
  });
  after(async () => {
    await here?.close();
    await elsewhere?.close();
    await scratch?.drop();
  });

  /** A race of the crowd; with `wpm`, a new best on DAY's boards. */
  function tiedRace(player: Player, wpm?: number) {
    const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)]!;
    return race(player.id, {
      wpm: wpm ?? pick([50, 60, 70]),
      acc: pick([95, 96.5]),
      finishedAt: new Date(DAY.getTime() + (wpm ? 7_200_000 : pick([0, 1, 3_600_000, 86_400_000]))),
    });
  }

  const counted = async (board: BoardRequest, userId: string) =>
    (await boardPlaces(elsewhere.sql, { ...board, userIds: [userId] }))[0] ?? null;

  /** Every player's place on every board, as the kept boards answer and as PostgreSQL counts them. */
  async function everyPlace(kept: KeptBoards, ids = players.map((player) => player.id)) {
    const asked: Array<LeaderboardEntry | null> = [];
    const truth: Array<LeaderboardEntry | null> = [];
    for (const board of BOARDS) {
      for (const id of ids) {
        asked.push(await kept.place(board, id));
        truth.push(await counted(board, id));
      }
    }
    return { asked, truth };
  }

  /** Kept boards over `here`, once every board is kept: no place is counted by PostgreSQL then. */
  async function keptOver(db = here) {
    const seen = observed(db.sql);
    const kept = keptBoards(seen.queries, db.notices);
    await eventually("every board kept", async () => {
      const before = counts(seen.texts);
      for (const board of BOARDS) await kept.place(board, players[1]!.id);
      return counts(seen.texts) === before;
    });
    return { kept, seen };
  }

  it("answers every player's place as PostgreSQL counts it, from memory once the board is kept", async () => {
    const { kept, seen } = await keptOver();
    const before = seen.texts.length;
    const { asked, truth } = await everyPlace(kept);
    assert.deepEqual(asked, truth);
    assert.equal(seen.texts.length, before, "no query");
    assert.ok(truth.some((entry) => entry === null) && truth.some((entry) => entry?.guest));
  });

  it("shows this process's writes at once: a new best, a rename, a merge and a deletion", async () => {
    const { kept } = await keptOver();
    const [ada, bob, guest, account] = [players[5]!, players[6]!, players[8]!, players[9]!];
    await record(here, tiedRace(ada, 99));
    assert.equal((await kept.place(BOARDS[0]!, ada.id))?.rank, 1);
    await record(here, tiedRace(bob, 99.5));
    assert.deepEqual(
      [(await kept.place(BOARDS[0]!, bob.id))?.rank, (await kept.place(BOARDS[0]!, ada.id))?.rank],
      [1, 2],
    );
    await renameAccount(here, ada.id, "Ada Renamed");
    assert.equal((await kept.place(BOARDS[2]!, ada.id))?.name, "Ada Renamed");
    assert.ok(guest.guest && !account.guest);
    await mergeGuestInto(here, guest.id, account.id);
    await deleteAccount(here, bob.id);
    const { asked, truth } = await everyPlace(kept);
    assert.deepEqual(asked, truth);
    assert.equal(await kept.place(BOARDS[0]!, guest.id), null, "the merged guest's races moved");
    assert.equal(await kept.place(BOARDS[0]!, bob.id), null, "deleted");
  });

  it("shows another process's writes from their notices", async () => {
    const { kept } = await keptOver();
    const [cy, guest, account] = [players[10]!, players[12]!, players[13]!];
    await record(elsewhere, tiedRace(cy, 120));
    await onceShown(async () => (await kept.place(BOARDS[1]!, cy.id))?.rank, 1);
    await renameAccount(elsewhere, cy.id, "Cy Renamed");
    await onceShown(async () => (await kept.place(BOARDS[2]!, cy.id))?.name, "Cy Renamed");
    await mergeGuestInto(elsewhere, guest.id, account.id);
    await onceShown(() => kept.place(BOARDS[0]!, guest.id), null);
    // A best removed by hand, with nothing else written: its own notice.
    const fay = players[11]!;
    assert.notEqual(await kept.place(BOARDS[0]!, fay.id), null);
    await elsewhere.sql
      .$executeRaw`DELETE FROM best_results WHERE user_id = ${fay.id}::uuid AND period = 'day'`;
    await onceShown(() => kept.place(BOARDS[0]!, fay.id), null);
    const ids = players.map((player) => player.id);
    await onceShown(async () => (await everyPlace(kept, ids)).asked, (await everyPlace(kept, ids)).truth);
  });

  it("ignores a notice that names no user, and keeps its boards", async () => {
    const { kept, seen } = await keptOver();
    let heard = false;
    here.notices.watch({
      changed: (id) => {
        if (id === "not-a-user") heard = true;
      },
      lost: () => {},
    });
    await elsewhere.sql.$queryRaw`SELECT pg_notify('user_changes', 'not-a-user')`;
    await eventually("the stray notice", () => heard);
    const before = seen.texts.length;
    const { asked, truth } = await everyPlace(kept);
    assert.deepEqual(asked, truth);
    assert.equal(seen.texts.length, before, "still from memory: nothing read, nothing dropped");
  });

  it("applies what it heard while a board was being read", async () => {
    const seen = observed(here.sql);
    const kept = keptBoards(seen.queries, here.notices);
    const dee = players[14]!;
    const board = BOARDS[0]!;
    await eventually("listening", async () => {
      await kept.place({ ...board, words: 3 }, dee.id);
      return here.notices.listening;
    });
    const release = seen.hold(/ORDER BY b\.wpm DESC/);
    // The board's first ask starts its read, whose answer waits while a new best is written; the
    // place is counted meanwhile.
    const first = await kept.place(board, dee.id);
    assert.deepEqual(first, await counted(board, dee.id));
    let heard = 0;
    here.notices.watch({ changed: (id) => void (id === dee.id && heard++), lost: () => {} });
    await record(here, tiedRace(dee, 150));
    // Both the write's own word and PostgreSQL's notice of it came while the board's read waited.
    await eventually("PostgreSQL's notice", () => heard === 2);
    release();
    await eventually("the board kept", async () => {
      const before = counts(seen.texts);
      await kept.place(board, dee.id);
      return counts(seen.texts) === before;
    });
    assert.equal((await kept.place(board, dee.id))?.rank, 1);
  });

  it("counts places in PostgreSQL for a board too large to keep, and while the notices are not heard", async () => {
    const small = observed(here.sql);
    const tooLarge = keptBoards(small.queries, here.notices, { maxEntries: 3 });
    const deaf = observed(here.sql);
    const nowhere = createDatabase("postgresql://127.0.0.1:1/nothing");
    const unheard = keptBoards(deaf.queries, nowhere.notices);
    for (const [kept, seen] of [
      [tooLarge, small],
      [unheard, deaf],
    ] as const) {
      for (let round = 0; round < 3; round++) {
        const before = counts(seen.texts);
        const { asked, truth } = await everyPlace(
          kept,
          players.slice(15).map((player) => player.id),
        );
        assert.deepEqual(asked, truth);
        assert.equal(counts(seen.texts) - before, asked.length, "each place counted");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await nowhere.close();
  });

  it("keeps the boards asked last, within its entries in all: an evicted board's places are counted", async () => {
    const sizes = await Promise.all(
      BOARDS.map(async (board) => {
        const places = await Promise.all(players.map((player) => counted(board, player.id)));
        return places.filter((place) => place !== null).length;
      }),
    );
    const [daily, weekly] = [BOARDS[0]!, BOARDS[1]!];
    const maxEntries = Math.max(...sizes) + 1;
    assert.ok(sizes[0]! + sizes[1]! + 2 > maxEntries + 1, "two boards do not fit");
    const seen = observed(here.sql);
    const kept = keptBoards(seen.queries, here.notices, { maxEntries, readAgainAfterMs: 0 });
    const fromMemory = (board: BoardRequest) =>
      eventually("the board kept", async () => {
        const before = counts(seen.texts);
        await kept.place(board, players[1]!.id);
        return counts(seen.texts) === before;
      });
    await fromMemory(daily);
    await fromMemory(weekly);
    const before = counts(seen.texts);
    assert.deepEqual(await kept.place(daily, players[2]!.id), await counted(daily, players[2]!.id));
    assert.equal(counts(seen.texts), before + 1, "the daily board made room for the weekly one");
    await fromMemory(daily);
  });

  it("reads a board whole at most once a while: one pushed out has its places counted meanwhile", async () => {
    const seen = observed(here.sql);
    const kept = keptBoards(seen.queries, here.notices, { maxBoards: 1 });
    const reads = () => seen.texts.filter((text) => text.includes("ORDER BY b.wpm DESC")).length;
    const [daily, weekly] = [BOARDS[0]!, BOARDS[1]!];
    await eventually("listening", async () => {
      await kept.place(daily, players[1]!.id);
      return here.notices.listening;
    });
    await eventually("the daily board kept", async () => {
      const before = counts(seen.texts);
      await kept.place(daily, players[1]!.id);
      return counts(seen.texts) === before;
    });
    const readSoFar = reads();
    // Asked in turn, each would push the other out: the weekly board is read once, the daily one
    // not again (it was read a moment ago); their places are right all along.
    for (let round = 0; round < 3; round++) {
      for (const board of [weekly, daily]) {
        assert.deepEqual(await kept.place(board, players[2]!.id), await counted(board, players[2]!.id));
      }
    }
    assert.equal(reads(), readSoFar + 1);
  });

  it("drops a board that grows past its entries, and counts its places", async () => {
    const seen = observed(here.sql);
    const board = BOARDS[2]!;
    const size = (await Promise.all(players.map((player) => counted(board, player.id)))).filter(
      Boolean,
    ).length;
    const kept = keptBoards(seen.queries, here.notices, { maxEntries: size });
    await eventually("the board kept", async () => {
      const before = counts(seen.texts);
      await kept.place(board, players[1]!.id);
      return counts(seen.texts) === before;
    });
    const newcomer = await newPlayer(here, "Newcomer", false);
    await record(here, tiedRace(newcomer, 55));
    const before = counts(seen.texts);
    assert.deepEqual(await kept.place(board, newcomer.id), await counted(board, newcomer.id));
    assert.equal(counts(seen.texts), before + 1, "counted by PostgreSQL");
  });

  it("drops what it keeps when its notices are lost, and keeps the boards again once they are heard", async () => {
    const proxy = await startTcpProxy(Number(new URL(scratch.url).port || 5432));
    const url = new URL(scratch.url);
    url.port = String(proxy.port);
    const notices = userNotices({ url: url.toString(), retryMs: 50 });
    const seen = observed(here.sql);
    const kept = keptBoards(seen.queries, notices, { readAgainAfterMs: 0 });
    const eve = players[17]!;
    const board = BOARDS[2]!;
    const fromMemory = () =>
      eventually("the board kept", async () => {
        const before = counts(seen.texts);
        await kept.place(board, eve.id);
        return counts(seen.texts) === before;
      });
    try {
      await fromMemory();
      proxy.cut();
      await eventually("the loss noticed", () => !notices.listening);
      // Unheard, this result must still show, on every read: counted by PostgreSQL.
      await record(elsewhere, tiedRace(eve, 160));
      const before = counts(seen.texts);
      assert.equal((await kept.place(board, eve.id))?.rank, 1);
      assert.equal(counts(seen.texts), before + 1);
      proxy.restore();
      await fromMemory();
      assert.deepEqual(await kept.place(board, eve.id), await counted(board, eve.id));
    } finally {
      await notices.close();
      await proxy.close();
    }
  });
});
