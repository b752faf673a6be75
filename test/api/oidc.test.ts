import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { decodeJwt } from "jose";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { RoomName } from "../../src/protocol.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { Browser } from "../support/browser.ts";
import { call, dataOf } from "../support/http.ts";
import { freePort } from "../support/processes.ts";
import { startTestServer } from "../support/server.ts";
import {
  isCallback,
  isWebApp,
  loginUrl,
  type SignInWorld,
  signInError,
  signInWith,
  someone,
  startSignInWorld,
  toCallback,
} from "../support/signIn.ts";

interface Me {
  user: { id: string; name: string; guest: boolean };
}

describe("signing in with a provider (OpenID Connect, and GitHub's OAuth 2)", () => {
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

  const me = async (browser: Browser) => {
    const response = await browser.fetch(`${world.server.url}/api/v1/auth/me`);
    return { status: response.status, body: (await response.json()) as { ok: boolean; data: Me } };
  };
  const accountOf = (provider: string, subject: string) =>
    db.prisma.userIdentity.findUnique({ where: { provider_subject: { provider, subject } } });

  it("lists the configured providers for the web client's buttons", async () => {
    const answer = await call<Array<{ id: string; name: string }>>(
      world.server.url,
      "/api/v1/auth/providers",
    );
    assert.deepEqual(dataOf(answer), [
      { id: "test", name: "Test ID" },
      { id: "github", name: "GitHub" },
    ]);
  });

  describe("OpenID Connect", () => {
    it("creates the account at the first sign-in, lands on the web app signed in, and never shows the subject", async () => {
      const ada = someone("Ada Lovelace");
      world.idp.signInAs(ada);
      const browser = new Browser();

      const landing = await signInWith(browser, world.server, "test");

      assert.equal(
        landing.href,
        `${world.server.url}/?signed_in=test`,
        "no races moved: nobody played as a guest",
      );
      const answer = await me(browser);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.data.user.guest, false);
      assert.equal(answer.body.data.user.name, "Ada Lovelace");
      assert.match(answer.body.data.user.id, /^[0-9a-f-]{36}$/);
      assert.equal((await accountOf("test", ada.sub))?.userId, answer.body.data.user.id);

      const accessToken = browser.cookie(world.server.url, "TP_AT")!;
      const claims = decodeJwt(accessToken);
      assert.equal(
        claims.exp! - claims.iat!,
        15 * 60,
        "a registered account's access token lasts 15 minutes",
      );
      assert.ok(
        browser.cookie(`${world.server.url}/api/v1/auth/refresh`, "TP_RT"),
        "a refresh cookie is set",
      );
      assert.equal(
        browser.cookie(world.server.url, "TP_RT"),
        undefined,
        "only the auth routes get the refresh cookie",
      );
      for (const seen of [JSON.stringify(answer.body), JSON.stringify(claims)]) {
        assert.ok(!seen.includes(ada.sub), "the provider's subject never leaves the server");
      }
    });

    it("finds the same account at the next sign-in and takes the name the provider gives now", async () => {
      const grace = someone("Grace");
      world.idp.signInAs(grace);
      const first = new Browser();
      await signInWith(first, world.server, "test");
      const before = (await me(first)).body.data.user;

      world.idp.signInAs({ ...grace, name: "Grace Hopper" });
      const second = new Browser();
      assert.equal(signInError(await signInWith(second, world.server, "test")), null);

      const after = (await me(second)).body.data.user;
      assert.deepEqual(after, { id: before.id, name: "Grace Hopper", guest: false });
    });

    it("refuses a callback whose state is not the one sent: error redirect, nobody signed in", async () => {
      const mallory = someone("Mallory");
      world.idp.signInAs(mallory);
      const browser = new Browser();
      const callback = await toCallback(browser, world.server, "test");
      callback.searchParams.set("state", "not-the-state-we-sent");

      const landing = (await browser.follow(callback, isWebApp)).location;

      assert.equal(signInError(landing), "INVALID_STATE");
      assert.equal(browser.cookie(`${world.server.url}/api/v1/auth/refresh`, "TP_RT"), undefined);
      assert.equal(await accountOf("test", mallory.sub), null);
    });

    it("refuses a callback in a browser that did not start the sign-in (login CSRF)", async () => {
      const victimOfCsrf = someone("Trent");
      world.idp.signInAs(victimOfCsrf);
      const callback = await toCallback(new Browser(), world.server, "test");

      const elsewhere = new Browser();
      const landing = (await elsewhere.follow(callback, isWebApp)).location;

      assert.equal(signInError(landing), "INVALID_STATE");
      assert.equal(elsewhere.cookie(`${world.server.url}/api/v1/auth/refresh`, "TP_RT"), undefined);
      assert.equal(await accountOf("test", victimOfCsrf.sub), null);
    });

    it("signs nobody in with a replayed code, even with the stolen sign-in cookie", async () => {
      world.idp.signInAs(someone("Victor"));
      const browser = new Browser();
      const callback = await toCallback(browser, world.server, "test");
      const flowCookie = browser.cookie(callback, "TP_SIGNIN")!;
      assert.equal(signInError((await browser.follow(callback, isWebApp)).location), null);

      const thief = new Browser();
      thief.setCookie(callback, "TP_SIGNIN", flowCookie, callback.pathname);
      const landing = (await thief.follow(callback, isWebApp)).location;

      assert.equal(signInError(landing), "SIGN_IN_FAILED");
      assert.equal(thief.cookie(`${world.server.url}/api/v1/auth/refresh`, "TP_RT"), undefined);
      assert.equal(thief.cookie(world.server.url, "TP_AT"), undefined);
    });

    it("refuses an ID token whose nonce is not the one sent", async () => {
      const eve = someone("Eve");
      world.idp.signInAs(eve);
      const browser = new Browser();
      const atProvider = await browser.follow(
        loginUrl(world.server, "test"),
        (next) => next.origin === world.idp.issuer,
      );
      atProvider.location.searchParams.set("nonce", "a-nonce-of-the-attackers-choice");
      const callback = (await browser.follow(atProvider.location, isCallback("test"))).location;

      const landing = (await browser.follow(callback, isWebApp)).location;

      assert.equal(signInError(landing), "SIGN_IN_FAILED");
      assert.equal(await accountOf("test", eve.sub), null);
    });

    it("lands on the web app with PROVIDER_ERROR when the person declines, creating nobody", async () => {
      const usersBefore = await db.prisma.user.count();
      world.idp.declineNext();
      const browser = new Browser();

      const landing = await signInWith(browser, world.server, "test");

      assert.equal(signInError(landing), "PROVIDER_ERROR");
      assert.equal(await db.prisma.user.count(), usersBefore);
      assert.equal(browser.cookie(`${world.server.url}/api/v1/auth/refresh`, "TP_RT"), undefined);
    });

    it("redirects an unknown provider's login with UNKNOWN_PROVIDER", async () => {
      const landing = (await new Browser().follow(loginUrl(world.server, "myspace"), isWebApp)).location;
      assert.equal(signInError(landing), "UNKNOWN_PROVIDER");
    });

    it("sends a signed-in browser that opens the callback URL again home, without an error", async () => {
      world.idp.signInAs(someone("Ida"));
      const browser = new Browser();
      const callback = await toCallback(browser, world.server, "test");
      await browser.follow(callback, isWebApp);

      const again = (await browser.follow(callback, isWebApp)).location;
      assert.equal(again.href, `${world.server.url}/`);

      // Later, with only the refresh cookie left (the access token expired), the same.
      const refreshOnly = new Browser();
      refreshOnly.setCookie(
        `${world.server.url}/api/v1/auth/refresh`,
        "TP_RT",
        browser.cookie(`${world.server.url}/api/v1/auth/refresh`, "TP_RT")!,
        "/api/v1/auth",
      );
      assert.equal((await refreshOnly.follow(callback, isWebApp)).location.href, `${world.server.url}/`);
      // Signed out, it is a stale sign-in attempt as before.
      await browser.fetch(`${world.server.url}/api/v1/auth/logout`, { method: "POST" });
      assert.equal(signInError((await browser.follow(callback, isWebApp)).location), "INVALID_STATE");
    });

    it("after a sign-out, asks the provider to show its account choice at the next sign-in, once", async () => {
      const browser = new Browser();
      const ada = someone("Ada");
      world.idp.signInAs(ada);
      await signInWith(browser, world.server, "test");
      const toProvider = (next: URL) => next.origin === world.idp.issuer;
      const promptOf = async () =>
        (await browser.follow(loginUrl(world.server, "test"), toProvider)).location.searchParams.get(
          "prompt",
        );
      assert.equal(await promptOf(), null, "signed in: no account choice asked");

      await browser.fetch(`${world.server.url}/api/v1/auth/logout`, { method: "POST" });
      assert.equal(await promptOf(), "select_account");
      // (This browser keeps no provider session; Chromium shows the choice: test/web/sessions.test.ts.)
      world.idp.signInAs(ada);
      assert.equal(signInError(await signInWith(browser, world.server, "test")), null);
      assert.equal((await me(browser)).body.data.user.name, "Ada");
      assert.equal(await promptOf(), null, "signed in again: the choice was made");
    });

    it("lets registered accounts into the rooms like guests", async () => {
      world.idp.signInAs(someone("Racer"));
      const browser = new Browser();
      await signInWith(browser, world.server, "test");
      const sdk = new Client(world.server.url.replace(/^http/, "ws"));
      sdk.auth.token = browser.cookie(world.server.url, "TP_AT")!;

      const lobby = await sdk.joinOrCreate(RoomName.LOBBY);

      assert.ok(lobby.sessionId);
      await lobby.leave();
    });
  });

  describe("GitHub (OAuth 2, no OpenID Connect)", () => {
    it("signs in through the user endpoint: login as the name until a real name is set", async () => {
      const id = 10_000_000 + Math.floor(Math.random() * 1e6);
      world.github.signInAs({ id, login: "octocat", name: null });
      const first = new Browser();
      assert.equal(signInError(await signInWith(first, world.server, "github")), null);
      const account = (await me(first)).body.data.user;
      assert.deepEqual({ name: account.name, guest: account.guest }, { name: "octocat", guest: false });
      assert.equal((await accountOf("github", String(id)))?.userId, account.id);

      world.github.signInAs({ id, login: "octocat", name: "The Octocat" });
      const second = new Browser();
      await signInWith(second, world.server, "github");
      assert.deepEqual((await me(second)).body.data.user, { ...account, name: "The Octocat" });
    });

    it("asks GitHub for its account choice after a sign-out", async () => {
      const browser = new Browser();
      await browser.fetch(`${world.server.url}/api/v1/auth/logout`, { method: "POST" });
      const atGitHub = await browser.follow(
        loginUrl(world.server, "github"),
        (next) => next.origin === world.github.url,
      );
      assert.equal(atGitHub.location.searchParams.get("prompt"), "select_account");
    });

    it("lands on the web app with PROVIDER_ERROR when the person declines", async () => {
      world.github.declineNext();
      const landing = await signInWith(new Browser(), world.server, "github");
      assert.equal(signInError(landing), "PROVIDER_ERROR");
    });

    it("signs nobody in with a replayed code", async () => {
      world.github.signInAs({ id: 20_000_000 + Math.floor(Math.random() * 1e6), login: "hubot", name: null });
      const browser = new Browser();
      const callback = await toCallback(browser, world.server, "github");
      const flowCookie = browser.cookie(callback, "TP_SIGNIN")!;
      await browser.follow(callback, isWebApp);

      const thief = new Browser();
      thief.setCookie(callback, "TP_SIGNIN", flowCookie, callback.pathname);
      const landing = (await thief.follow(callback, isWebApp)).location;

      assert.equal(signInError(landing), "SIGN_IN_FAILED");
      assert.equal(thief.cookie(world.server.url, "TP_AT"), undefined);
    });
  });
});

describe("a provider that cannot be reached", () => {
  it("does not stop the server from starting; its login redirects with PROVIDER_UNAVAILABLE", async () => {
    const nobodyListens = await freePort();
    const server = await startTestServer({
      OIDC_PROVIDERS: "corp",
      OIDC_CORP_ISSUER: `http://127.0.0.1:${nobodyListens}`,
      OIDC_CORP_CLIENT_ID: "typephoon",
      OIDC_CORP_CLIENT_SECRET: "secret",
    });
    try {
      assert.deepEqual(dataOf(await call(server.url, "/api/v1/auth/providers")), [
        { id: "corp", name: "Corp" },
      ]);
      const browser = new Browser();
      const landing = (await browser.follow(`${server.url}/api/v1/auth/corp/login`, isWebApp)).location;
      assert.equal(signInError(landing), "PROVIDER_UNAVAILABLE");
      assert.equal(browser.cookie(`${server.url}/api/v1/auth/corp/callback`, "TP_SIGNIN"), undefined);
    } finally {
      await server.stop();
    }
  });
  it("redirects with PROVIDER_UNAVAILABLE when it went down after a good sign-in (discovered before)", async () => {
    const world = await startSignInWorld();
    try {
      world.idp.signInAs(someone("Ada"));
      assert.equal(signInError(await signInWith(new Browser(), world.server, "test")), null);
      await world.idp.stop();

      const browser = new Browser();
      const landing = (await browser.follow(loginUrl(world.server, "test"), isWebApp)).location;
      assert.equal(signInError(landing), "PROVIDER_UNAVAILABLE");
      assert.equal(browser.cookie(`${world.server.url}/api/v1/auth/test/callback`, "TP_SIGNIN"), undefined);
    } finally {
      await world.stop();
    }
  });
});
