/**
 * The account page's routes: a registered account reads itself and its providers, renames itself,
 * and deletes itself with everything it holds.
 */
import assert from "node:assert/strict";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { Browser } from "../support/browser.ts";
import { call, dataOf, errorOf, signInGuest } from "../support/http.ts";
import { race, record } from "../support/profiles.ts";
import { type SignInWorld, signInWith, someone, startSignInWorld } from "../support/signIn.ts";

interface Session {
  user: { id: string; name: string; guest: boolean };
  accessToken: string;
  expiresAt: string;
}

describe("the account: read, rename, delete", () => {
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

  const url = (path: string) => `${world.server.url}${path}`;

  /** Someone signs in with a provider in a browser of their own; answers it with their session. */
  async function signedIn(person = someone("Ada")) {
    world.idp.signInAs(person);
    const browser = new Browser();
    await signInWith(browser, world.server, "test");
    const response = await browser.fetch(url("/api/v1/auth/refresh"), { method: "POST" });
    const session = ((await response.json()) as { data: Session }).data;
    return { browser, session, person };
  }

  async function json<T>(browser: Browser, path: string, init: RequestInit & { json?: unknown } = {}) {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const response = await browser.fetch(url(path), {
      ...init,
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    return {
      status: response.status,
      body: (await response.json()) as { ok: boolean; data: T; error: { code: string } },
    };
  }

  it("shows the account and the provider it signs in with; a guest has no account", async () => {
    const { session } = await signedIn(someone("Ada"));

    const account = dataOf(
      await call<{ user: Session["user"]; identities: Array<Record<string, string>> }>(
        world.server.url,
        "/api/v1/auth/account",
        { token: session.accessToken },
      ),
    );
    assert.deepEqual(account.user, session.user);
    assert.equal(account.identities.length, 1);
    assert.equal(account.identities[0]!.provider, "test");
    assert.equal(account.identities[0]!.providerName, "Test ID");
    assert.ok(!JSON.stringify(account).includes("person-"), "the provider's subject never leaves the server");

    const guest = await signInGuest(world.server.url, "Visitor");
    const refused = await call(world.server.url, "/api/v1/auth/account", { token: guest.accessToken });
    assert.equal(refused.status, 403);
    assert.equal(errorOf(refused).code, "ACCOUNT_REQUIRED");
  });

  it("renames: a fresh token carries the new name, which stays over the provider's at the next sign-in", async () => {
    const { browser, session, person } = await signedIn(someone("Ada Lovelace"));

    const renamed = await json<Session>(browser, "/api/v1/auth/account", {
      method: "PATCH",
      json: { name: "  Countess  " },
    });

    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.body.data.user, { ...session.user, name: "Countess" });
    const me = await call<{ user: Session["user"] }>(world.server.url, "/api/v1/auth/me", {
      token: renamed.body.data.accessToken,
    });
    assert.equal(dataOf(me).user.name, "Countess");
    assert.equal(
      browser.cookie(world.server.url, "TP_AT"),
      renamed.body.data.accessToken,
      "the cookie carries the new token",
    );

    world.idp.signInAs(person); // the provider still says "Ada Lovelace"
    const again = new Browser();
    await signInWith(again, world.server, "test");
    const after = await json<{ user: Session["user"] }>(again, "/api/v1/auth/me");
    assert.equal(after.body.data.user.name, "Countess");
  });

  it("refuses a name the display-name rule refuses, and a guest's rename", async () => {
    const { session } = await signedIn();
    for (const name of ["   ", "x".repeat(25), "\u3164\u3164"]) {
      const answer = await call(world.server.url, "/api/v1/auth/account", {
        method: "PATCH",
        token: session.accessToken,
        json: { name },
      });
      assert.equal(answer.status, 422, JSON.stringify(name));
      assert.equal((errorOf(answer).details as Array<{ path: string }>)[0]!.path, "body.name");
    }
    const guest = await signInGuest(world.server.url);
    const refused = await call(world.server.url, "/api/v1/auth/account", {
      method: "PATCH",
      token: guest.accessToken,
      json: { name: "Upgraded" },
    });
    assert.equal(refused.status, 403);
  });

  it("deletes the account with everything it holds, and the guests merged into it; others' results stay", async () => {
    // A guest plays, then signs in: their race moves into the account.
    const guestBrowser = new Browser();
    const guestAnswer = await guestBrowser.fetch(url("/api/v1/auth/guest"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Before" }),
    });
    const guest = ((await guestAnswer.json()) as { data: Session }).data.user;
    const rival = await signInGuest(world.server.url, "Rival");
    const shared = race(guest.id, { wordCount: 10 });
    await record(db, shared);
    await record(db, race(rival.user.id, { gameId: shared.gameId, rank: 2, wpm: 40, wordCount: 10 }));
    const person = someone("Leaving");
    world.idp.signInAs(person);
    await signInWith(guestBrowser, world.server, "test");
    const account = (await json<{ user: Session["user"] }>(guestBrowser, "/api/v1/auth/me")).body.data.user;
    await record(db, race(account.id));
    const refreshToken = guestBrowser.cookie(url("/api/v1/auth/refresh"), "TP_RT")!;

    const deleted = await json<{ deleted: true }>(guestBrowser, "/api/v1/auth/account", { method: "DELETE" });

    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body.data, { deleted: true });
    assert.equal(guestBrowser.cookie(url("/api/v1/auth/refresh"), "TP_RT"), undefined, "cookies cleared");
    assert.equal(guestBrowser.cookie(world.server.url, "TP_AT"), undefined);
    for (const id of [account.id, guest.id]) {
      assert.equal(await db.prisma.user.findUnique({ where: { id } }), null);
      assert.equal(await db.prisma.gameResult.count({ where: { userId: id } }), 0);
      assert.equal(await db.prisma.bestResult.count({ where: { userId: id } }), 0);
      assert.equal(await db.prisma.userStats.count({ where: { userId: id } }), 0);
    }
    assert.equal(await db.prisma.refreshToken.count({ where: { userId: account.id } }), 0);
    assert.equal(await db.prisma.userIdentity.count({ where: { userId: account.id } }), 0);
    assert.equal(
      await db.prisma.gameResult.count({ where: { gameId: shared.gameId } }),
      1,
      "the rival's stays",
    );

    const stolenRefresh = new Browser();
    stolenRefresh.setCookie(url("/api/v1/auth/refresh"), "TP_RT", refreshToken, "/api/v1/auth");
    const refresh = await stolenRefresh.fetch(url("/api/v1/auth/refresh"), { method: "POST" });
    assert.equal(refresh.status, 401, "its sessions are gone");
    assert.equal((await call(world.server.url, `/api/v1/users/${account.id}`)).status, 404);

    // The same person signing in again starts afresh.
    world.idp.signInAs(person);
    const again = new Browser();
    await signInWith(again, world.server, "test");
    const fresh = (await json<{ user: Session["user"] }>(again, "/api/v1/auth/me")).body.data.user;
    assert.notEqual(fresh.id, account.id);
  });

  it("refuses a deletion from a page of another origin", async () => {
    const { session } = await signedIn();
    const answer = await call(world.server.url, "/api/v1/auth/account", {
      method: "DELETE",
      token: session.accessToken,
      headers: { origin: "https://evil.example" },
    });
    assert.equal(answer.status, 403);
    assert.equal(errorOf(answer).code, "ORIGIN_NOT_ALLOWED");
    assert.equal(
      (await call(world.server.url, "/api/v1/auth/account", { token: session.accessToken })).status,
      200,
    );
  });
});
