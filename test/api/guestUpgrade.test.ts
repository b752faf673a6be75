import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { joinRefusalCode, RoomCloseCode, RoomName } from "../../src/protocol.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { Browser } from "../support/browser.ts";
import { call, errorOf } from "../support/http.ts";
import { playedRace } from "../support/results.ts";
import {
  isWebApp,
  type SignInWorld,
  signInError,
  signInWith,
  someone,
  startSignInWorld,
  toCallback,
} from "../support/signIn.ts";

interface User {
  id: string;
  name: string;
  guest: boolean;
}

describe("a guest who signs in keeps their races", () => {
  let world: SignInWorld;
  let db: Database;
  before(async () => {
    world = await startSignInWorld();
    db = createDatabase(testDatabaseUrl());
  });
  after(async () => {
    await world?.stop();
    await db?.close();
  });

  /** A browser that played as a guest: POST /guest set its TP_AT cookie. */
  async function guestBrowser(name: string) {
    const browser = new Browser();
    const response = await browser.fetch(`${world.server.url}/api/v1/auth/guest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    const { data } = (await response.json()) as { data: { user: User; accessToken: string } };
    return { browser, guest: data.user, guestToken: data.accessToken };
  }
  const userOf = async (browser: Browser) => {
    const response = await browser.fetch(`${world.server.url}/api/v1/auth/me`);
    return ((await response.json()) as { data: { user: User } }).data.user;
  };
  const wpmsOf = async (userId: string) =>
    (await db.prisma.gameResult.findMany({ where: { userId }, orderBy: { wpm: "asc" } })).map((r) => r.wpm);

  it("moves the guest's races to the new account, and the guest's old token stops working", async () => {
    const { browser, guest, guestToken } = await guestBrowser("Speedy Guest");
    await playedRace(db, guest.id, 55);
    await playedRace(db, guest.id, 65);
    world.idp.signInAs(someone("Ada"));

    const landing = await signInWith(browser, world.server, "test");
    assert.equal(signInError(landing), null);
    assert.equal(landing.searchParams.get("races_moved"), "2", "the page can say what moved");

    const account = await userOf(browser);
    assert.equal(account.guest, false);
    assert.notEqual(account.id, guest.id);
    assert.deepEqual(await wpmsOf(account.id), [55, 65]);
    assert.deepEqual(await wpmsOf(guest.id), []);

    const oldMe = await call(world.server.url, "/api/v1/auth/me", { token: guestToken });
    assert.equal(oldMe.status, 401);
    assert.equal(errorOf(oldMe).code, "UNAUTHORIZED");
    const sdk = new Client(world.server.url.replace(/^http/, "ws"));
    sdk.auth.token = guestToken;
    await assert.rejects(sdk.joinOrCreate(RoomName.LOBBY), (error: { code: number; message: string }) => {
      assert.equal(
        joinRefusalCode(error.code),
        RoomCloseCode.UNAUTHORIZED,
        "the old guest cannot race any more",
      );
      assert.match(error.message, /belongs to an account/);
      return true;
    });
  });

  it("merges the guest's history into an account that already exists; a race both played keeps the account's", async () => {
    const grace = someone("Grace");
    world.idp.signInAs(grace);
    const laptop = new Browser();
    await signInWith(laptop, world.server, "test");
    const account = await userOf(laptop);
    const shared = await playedRace(db, account.id, 92);

    const { browser: phone, guest } = await guestBrowser("Phone Guest");
    await playedRace(db, guest.id, 41, shared);
    await playedRace(db, guest.id, 47);
    world.idp.signInAs(grace);
    await signInWith(phone, world.server, "test");

    assert.equal((await userOf(phone)).id, account.id);
    assert.deepEqual(await wpmsOf(account.id), [47, 92]);
    assert.deepEqual(await wpmsOf(guest.id), [41], "the guest's result of the shared race stays behind");
  });

  it("moves the races exactly once when two tabs finish the same sign-in at the same moment", async () => {
    const { guest, guestToken } = await guestBrowser("Two Tabs");
    for (const wpm of [20, 21, 22]) await playedRace(db, guest.id, wpm);
    const person = someone("Tabby");
    const tabs = [new Browser(), new Browser()];
    const callbacks: URL[] = [];
    for (const tab of tabs) {
      tab.setCookie(world.server.url, "TP_AT", guestToken);
      world.idp.signInAs(person);
      callbacks.push(await toCallback(tab, world.server, "test"));
    }

    const landings = await Promise.all(tabs.map((tab, i) => tab.follow(callbacks[i]!, isWebApp)));

    assert.deepEqual(
      landings.map((hop) => signInError(hop.location)),
      [null, null],
    );
    const [first, second] = await Promise.all(tabs.map(userOf));
    assert.equal(first!.id, second!.id, "both tabs are signed in to the one account");
    assert.deepEqual(await wpmsOf(first!.id), [20, 21, 22]);
    assert.deepEqual(await wpmsOf(guest.id), []);
  });

  it("moves nothing when no guest signs in", async () => {
    const person = someone("Plain");
    world.idp.signInAs(person);
    const browser = new Browser();
    await signInWith(browser, world.server, "test");
    const account = await userOf(browser);
    await playedRace(db, account.id, 33);

    world.idp.signInAs(person);
    await signInWith(browser, world.server, "test"); // signed in already: TP_AT is the account's own

    assert.deepEqual(await wpmsOf(account.id), [33]);
  });
});
