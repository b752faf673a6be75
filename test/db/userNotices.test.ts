import assert from "node:assert/strict";
import { deleteAccount, mergeGuestInto, userStandingCheck } from "../../src/db/accounts.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { profileVersionReader } from "../../src/db/profiles.ts";
import { raceStore, recordResult } from "../../src/db/races.ts";
import { type UserNoticeOptions, type UserNotices, userNotices } from "../../src/db/userNotices.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { eventually } from "../support/players.ts";
import { newPlayer, race, record, resultOf, setRating } from "../support/profiles.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy.ts";

describe("user notices (src/db/userNotices.ts): profile versions and standings kept", () => {
  /** Writes as another process would: its own handle, its own connections. */
  let elsewhere: Database;
  let direct: Database;
  const opened: UserNotices[] = [];
  const proxies: TcpProxy[] = [];
  before(async () => {
    await applyMigrations(testDatabaseUrl());
    elsewhere = createDatabase(testDatabaseUrl());
    direct = createDatabase(testDatabaseUrl());
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((notices) => notices.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });
  after(async () => {
    await elsewhere?.close();
    await direct?.close();
  });

  /** Profile versions kept through notices at `url`, each read from PostgreSQL counted in `reads`. */
  function watched(options: Partial<UserNoticeOptions> & { gate?: () => Promise<void> } = {}) {
    const reads: string[] = [];
    const read = profileVersionReader(direct.sql);
    const notices = userNotices({ url: testDatabaseUrl(), ...options });
    opened.push(notices);
    const kept = notices.keep(
      async (userId) => {
        reads.push(userId);
        const version = await read(userId);
        await options.gate?.();
        return version;
      },
      (version) => version !== null,
    );
    return { notices, versions: kept, reads };
  }

  async function throughProxy() {
    const port = Number(new URL(testDatabaseUrl()).port || 5432);
    const proxy = await startTcpProxy(port);
    proxies.push(proxy);
    const url = new URL(testDatabaseUrl());
    url.port = String(proxy.port);
    return { proxy, url: url.toString() };
  }

  /** Asks until the versions are listened to (the first ask opens the connection). */
  const listening = (notices: UserNotices, ask: (userId: string) => Promise<unknown>) =>
    eventually("listening", async () => {
      await ask("00000000-0000-0000-0000-000000000000");
      return notices.listening;
    });

  it("keeps a version while listening, and reads it again after another process's result, rated race or deletion", async () => {
    const { notices, versions, reads } = watched();
    const ada = await newPlayer(elsewhere, "Ada versions", false);
    await listening(notices, versions.of);
    assert.equal(await versions.of(ada.id), "0:0");
    const readsSoFar = reads.length;
    for (let i = 0; i < 5; i++) assert.equal(await versions.of(ada.id), "0:0");
    assert.equal(reads.length, readsSoFar, "kept: PostgreSQL is not asked again");

    // A uuid asked in capitals is the same player, forgotten by the same notices.
    const shouted = ada.id.toUpperCase();
    assert.equal(await versions.of(shouted), "0:0");

    await record(elsewhere, race(ada.id));
    await eventually("the result's notice", async () => (await versions.of(ada.id)) === "1:0");
    assert.equal(await versions.of(shouted), "1:0");
    const afterResult = reads.length;
    assert.equal(await versions.of(ada.id), "1:0");
    assert.equal(reads.length, afterResult, "kept again");

    await setRating(elsewhere, ada.id, 1040, 1);
    await eventually("the rated race's notice", async () => (await versions.of(ada.id)) === "1:1");

    await elsewhere.prisma.user.delete({ where: { id: ada.id } });
    await eventually("the deletion's notice", async () => (await versions.of(ada.id)) === null);
  });

  it("forgets at once what its own process wrote: a result, a rated race's end, a guest's merge", async () => {
    const db = createDatabase(testDatabaseUrl());
    try {
      const own = db.notices.keep(profileVersionReader(db.sql), (version) => version !== null);
      const guest = await newPlayer(db, "Guest versions", true);
      const account = await newPlayer(db, "Account versions", false);
      await listening(db.notices, own.of);
      assert.equal(await own.of(guest.id), "0:0");
      assert.equal(await own.of(guest.id), "0:0");

      // No wait for any notice: the next read after each write sees it.
      const rival = await newPlayer(db, "Rival versions", false);
      const one = race(guest.id, { mode: "public", rank: 1 });
      await record(db, one);
      assert.equal(await own.of(guest.id), "1:0");
      await recordResult(db, resultOf({ ...one, userId: rival.id, rank: 2 }));
      assert.equal(await own.of(account.id), "0:0");
      await raceStore(db).endGame(one.gameId, new Date());
      assert.equal(await own.of(guest.id), "1:1");
      await mergeGuestInto(db, guest.id, account.id);
      assert.deepEqual([await own.of(guest.id), await own.of(account.id)], ["0:1", "1:1"]);
    } finally {
      await db.close();
    }
  });

  it("does not keep a version whose player changed while it was being read", async () => {
    let open: () => void = () => {};
    let gated = false;
    const gate = () => (gated ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve());
    const { notices, versions, reads } = watched({ gate });
    const kim = await newPlayer(elsewhere, "Kim versions", false);
    await listening(notices, versions.of);

    gated = true;
    const underWay = versions.of(kim.id);
    await eventually("the read to be under way", () => reads.includes(kim.id));
    notices.changed([kim.id]);
    gated = false;
    open();
    assert.equal(await underWay, "0:0");
    const readsSoFar = reads.length;
    assert.equal(await versions.of(kim.id), "0:0");
    assert.equal(reads.length, readsSoFar + 1, "read again: the one under way was not kept");
    assert.equal(await versions.of(kim.id), "0:0");
    assert.equal(reads.length, readsSoFar + 1, "then kept");
  });

  it("reads every version while its connection is lost, and keeps them again once it listens again", async () => {
    const { proxy, url } = await throughProxy();
    const { notices, versions, reads } = watched({ url, retryMs: 50 });
    const lin = await newPlayer(elsewhere, "Lin versions", false);
    await listening(notices, versions.of);
    await versions.of(lin.id);

    proxy.cut();
    await eventually("the loss to be noticed", () => !notices.listening);
    // Unheard, this result must still show, on every read.
    await record(elsewhere, race(lin.id));
    const readsSoFar = reads.length;
    assert.equal(await versions.of(lin.id), "1:0");
    assert.equal(await versions.of(lin.id), "1:0");
    assert.equal(reads.length, readsSoFar + 2, "asked each time");

    proxy.restore();
    await listening(notices, versions.of);
    await versions.of(lin.id);
    await record(elsewhere, race(lin.id));
    await eventually("the next result's notice", async () => (await versions.of(lin.id)) === "2:0");
    const afterResult = reads.length;
    assert.equal(await versions.of(lin.id), "2:0");
    assert.equal(reads.length, afterResult, "kept again");
  });

  it("stops keeping versions when its connection stops answering, as in a partition", async () => {
    const { proxy, url } = await throughProxy();
    const { notices, versions, reads } = watched({ url, heartbeatMs: 100 });
    const ida = await newPlayer(elsewhere, "Ida versions", false);
    await listening(notices, versions.of);
    await versions.of(ida.id);

    proxy.drop();
    await eventually("the silence to be noticed", () => !notices.listening, 5_000);
    await record(elsewhere, race(ida.id));
    const readsSoFar = reads.length;
    assert.equal(await versions.of(ida.id), "1:0");
    assert.equal(reads.length, readsSoFar + 1);
    proxy.restore();
  });

  it("keeps a user active until their merge or deletion: another process's through its notice, its own at once", async () => {
    const db = createDatabase(testDatabaseUrl());
    try {
      const standingOf = userStandingCheck(db);
      const [guest, account, other, gone] = await Promise.all([
        newPlayer(db, "Guest standing", true),
        newPlayer(db, "Account standing", false),
        newPlayer(db, "Other guest standing", true),
        newPlayer(db, "Gone standing", false),
      ]);
      await listening(db.notices, standingOf);
      for (const user of [guest, account, other, gone]) assert.equal(await standingOf(user.id), "active");

      await mergeGuestInto(elsewhere, guest.id, account.id);
      await eventually("the merge's notice", async () => (await standingOf(guest.id)) === "merged");
      await elsewhere.prisma.user.delete({ where: { id: gone.id } });
      await eventually("the deletion's notice", async () => (await standingOf(gone.id)) === "deleted");

      await mergeGuestInto(db, other.id, account.id);
      assert.equal(await standingOf(other.id), "merged", "its own merge, at once");
      assert.equal(await deleteAccount(db, account.id), true);
      assert.equal(await standingOf(account.id), "deleted", "its own deletion, at once");
    } finally {
      await db.close();
    }
  });
});
