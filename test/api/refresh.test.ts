import assert from "node:assert/strict";
import { decodeJwt, SignJWT, UnsecuredJWT } from "jose";
import { createTokenService } from "../../src/auth/tokens.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { hashRefreshToken } from "../../src/db/refreshTokens.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { Browser } from "../support/browser.ts";
import { call, dataOf, errorOf, type HttpAnswer } from "../support/http.ts";
import { TEST_JWT_SECRET } from "../support/server.ts";
import { type SignInWorld, signInWith, someone, startSignInWorld } from "../support/signIn.ts";

interface Session {
  user: { id: string; name: string; guest: boolean };
  accessToken: string;
  expiresAt: string;
}

describe("sessions of registered accounts: refresh, rotation, theft detection, sign-out", () => {
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

  const refreshUrl = () => `${world.server.url}/api/v1/auth/refresh`;
  const refreshTokenOf = (browser: Browser) => browser.cookie(refreshUrl(), "TP_RT");

  /** Someone new signs in with the test provider in a browser of their own. */
  async function signedIn(name = "Ada") {
    world.idp.signInAs(someone(name));
    const browser = new Browser();
    await signInWith(browser, world.server, "test");
    return browser;
  }

  async function refresh(browser: Browser): Promise<HttpAnswer<Session> & { setCookie: string[] }> {
    const response = await browser.fetch(refreshUrl(), { method: "POST" });
    const body = (await response.json()) as HttpAnswer<Session>["body"];
    return {
      status: response.status,
      headers: response.headers,
      body,
      setCookie: response.headers.getSetCookie(),
    };
  }

  it("rotates: a refresh answers a fresh 15-minute access token and replaces the refresh cookie", async () => {
    const browser = await signedIn("Ada");
    const first = refreshTokenOf(browser)!;

    const answer = await refresh(browser);

    assert.equal(answer.status, 200);
    const session = dataOf(answer);
    assert.equal(session.user.name, "Ada");
    assert.equal(session.user.guest, false);
    const lifetime = Date.parse(session.expiresAt) - Date.now();
    assert.ok(lifetime > 14 * 60_000 && lifetime <= 15 * 60_000, `lifetime ${lifetime} ms`);
    const me = await call(world.server.url, "/api/v1/auth/me", { token: session.accessToken });
    assert.equal(me.status, 200);

    const second = refreshTokenOf(browser)!;
    assert.notEqual(second, first);
    const cookie = answer.setCookie.find((line) => line.startsWith("TP_RT="))!;
    assert.match(cookie, /; Path=\/api\/v1\/auth/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    const expires = Date.parse(/; Expires=([^;]+)/.exec(cookie)![1]!);
    assert.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 60_000, "a refresh token lasts 30 days");
  });

  it("keeps only a hash of each refresh token", async () => {
    const browser = await signedIn();
    const token = refreshTokenOf(browser)!;
    const stored = await db.prisma.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(token) } });
    assert.ok(stored, "found by its sha256");
    assert.equal(stored.tokenHash.length, 32);
    assert.ok(!JSON.stringify(stored).includes(token), "the token itself is stored nowhere in its row");
  });

  /** Moves a token's rotation (and its successor's issue) `ms` into the past, as if that time had passed. */
  async function rotatedAgo(token: string, ms: number) {
    const presented = await db.prisma.refreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(token) },
    });
    const then = new Date(presented!.rotatedAt!.getTime() - ms);
    await db.prisma.refreshToken.update({ where: { id: presented!.id }, data: { rotatedAt: then } });
    await db.prisma.refreshToken.updateMany({
      where: { familyId: presented!.familyId, createdAt: { gte: presented!.rotatedAt! } },
      data: { createdAt: then },
    });
  }

  it("treats a rotated token presented again after the grace as theft: the whole family is signed out", async () => {
    const owner = await signedIn("Owner");
    const stolen = refreshTokenOf(owner)!;
    assert.equal((await refresh(owner)).status, 200); // the owner rotates; the thief still holds `stolen`
    await rotatedAgo(stolen, 11_000);

    const thief = new Browser();
    thief.setCookie(refreshUrl(), "TP_RT", stolen, "/api/v1/auth");
    const reuse = await refresh(thief);
    assert.equal(reuse.status, 401);
    assert.equal(errorOf(reuse).code, "UNAUTHORIZED");

    const ownerAfter = await refresh(owner);
    assert.equal(ownerAfter.status, 401, "the owner's current token belonged to the revoked family");
    assert.ok(
      ownerAfter.setCookie.some((line) => /^TP_RT=;/.test(line)),
      "the refresh cookie is cleared",
    );
  });

  it("treats a rotated token presented again within the grace as theft once its successor was used", async () => {
    const owner = await signedIn("Owner");
    const stolen = refreshTokenOf(owner)!;
    assert.equal((await refresh(owner)).status, 200);
    assert.equal((await refresh(owner)).status, 200, "the owner goes on: the successor is used");

    const thief = new Browser();
    thief.setCookie(refreshUrl(), "TP_RT", stolen, "/api/v1/auth");
    assert.equal((await refresh(thief)).status, 401);
    assert.equal((await refresh(owner)).status, 401, "the family is revoked");
  });

  it("answers two simultaneous refreshes with the same token with the same new pair, and the session goes on", async () => {
    const browser = await signedIn();
    const token = refreshTokenOf(browser)!;
    const tabs = [new Browser(), new Browser()];
    for (const tab of tabs) tab.setCookie(refreshUrl(), "TP_RT", token, "/api/v1/auth");

    const answers = await Promise.all(tabs.map((tab) => refresh(tab)));

    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200],
    );
    const [first, second] = answers.map((answer) => dataOf(answer));
    assert.equal(first!.accessToken, second!.accessToken, "the same access token");
    assert.equal(first!.expiresAt, second!.expiresAt);
    assert.equal(refreshTokenOf(tabs[0]!), refreshTokenOf(tabs[1]!), "the same refresh token");
    assert.notEqual(refreshTokenOf(tabs[0]!), token);
    assert.equal((await refresh(tabs[0]!)).status, 200, "the family was not revoked");
  });

  it("answers a duplicate a moment later with the same refresh token too, within the grace of 10 seconds", async () => {
    const browser = await signedIn();
    const token = refreshTokenOf(browser)!;
    const first = dataOf(await refresh(browser));
    await rotatedAgo(token, 9_000);

    const again = new Browser();
    again.setCookie(refreshUrl(), "TP_RT", token, "/api/v1/auth");
    const second = dataOf(await refresh(again));

    assert.equal(refreshTokenOf(again), refreshTokenOf(browser));
    assert.deepEqual(second.user, first.user);
    const me = await call(world.server.url, "/api/v1/auth/me", { token: second.accessToken });
    assert.equal(me.status, 200);
  });

  it("signs out: the refresh token is revoked and both cookies are cleared", async () => {
    const browser = await signedIn();
    const token = refreshTokenOf(browser)!;

    const response = await browser.fetch(`${world.server.url}/api/v1/auth/logout`, { method: "POST" });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, data: { signedOut: true } });
    assert.equal(refreshTokenOf(browser), undefined);
    assert.equal(browser.cookie(world.server.url, "TP_AT"), undefined);
    const again = new Browser();
    again.setCookie(refreshUrl(), "TP_RT", token, "/api/v1/auth");
    assert.equal((await refresh(again)).status, 401);
  });

  it("answers a sign-out without a session with 200 all the same", async () => {
    const answer = await call(world.server.url, "/api/v1/auth/logout", { method: "POST" });
    assert.equal(answer.status, 200);
  });

  it("refuses a refresh without a cookie, with an unknown token, or with an expired one", async () => {
    const none = await call(world.server.url, "/api/v1/auth/refresh", { method: "POST" });
    assert.equal(none.status, 401);
    assert.equal(errorOf(none).code, "UNAUTHORIZED");

    const unknown = new Browser();
    unknown.setCookie(refreshUrl(), "TP_RT", "made-up", "/api/v1/auth");
    assert.equal((await refresh(unknown)).status, 401);

    const browser = await signedIn();
    await db.prisma.refreshToken.update({
      where: { tokenHash: hashRefreshToken(refreshTokenOf(browser)!) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    assert.equal((await refresh(browser)).status, 401);
  });

  it("never takes a refresh token for an access token, nor an access token for a refresh token", async () => {
    const browser = await signedIn();
    const refreshToken = refreshTokenOf(browser)!;
    const accessToken = browser.cookie(world.server.url, "TP_AT")!;

    const refreshAsAccess = await call(world.server.url, "/api/v1/auth/me", { token: refreshToken });
    assert.equal(refreshAsAccess.status, 401);
    assert.equal(errorOf(refreshAsAccess).code, "UNAUTHORIZED");

    const accessAsRefresh = new Browser();
    accessAsRefresh.setCookie(refreshUrl(), "TP_RT", accessToken, "/api/v1/auth");
    assert.equal((await refresh(accessAsRefresh)).status, 401);
    assert.equal((await refresh(browser)).status, 200, "the real refresh token was not touched");
  });

  describe("a registered account's access token", () => {
    it("answers 401 TOKEN_EXPIRED once expired", async () => {
      const browser = await signedIn("Late");
      const { user } = dataOf(await refresh(browser));
      const tokens = createTokenService(TEST_JWT_SECRET);
      const { token } = await tokens.issueAccessToken(user, 15 * 60, new Date(Date.now() - 3600_000));
      const answer = await call(world.server.url, "/api/v1/auth/me", { token });
      assert.equal(answer.status, 401);
      assert.equal(errorOf(answer).code, "TOKEN_EXPIRED");
    });

    it("is refused when signed with another key, unsigned (alg: none) or of another type", async () => {
      const browser = await signedIn("Mallory");
      const { user } = dataOf(await refresh(browser));
      const now = Math.floor(Date.now() / 1000);
      const claims = { name: user.name, guest: false, token_use: "access" };
      const sign = (payload: Record<string, unknown>, secret: string) =>
        new SignJWT(payload)
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(user.id)
          .setIssuer("typephoon")
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .sign(new TextEncoder().encode(secret));
      const forged = [
        await sign(claims, "a-key-that-is-not-the-servers-key-0123456789"),
        await sign({ ...claims, token_use: "refresh" }, TEST_JWT_SECRET),
        new UnsecuredJWT(claims)
          .setSubject(user.id)
          .setIssuer("typephoon")
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .encode(),
      ];
      for (const token of forged) {
        const answer = await call(world.server.url, "/api/v1/auth/me", { token });
        assert.equal(answer.status, 401, token);
        assert.equal(errorOf(answer).code, "UNAUTHORIZED");
      }
    });
  });
});

describe("ACCESS_TOKEN_TTL_S", () => {
  let world: SignInWorld;
  before(async () => {
    world = await startSignInWorld({ ACCESS_TOKEN_TTL_S: "60" });
  });
  after(() => world?.stop());

  it("sets how long a registered account's access token lasts, at sign-in and at every refresh", async () => {
    world.idp.signInAs(someone("Brief"));
    const browser = new Browser();
    await signInWith(browser, world.server, "test");
    const atSignIn = decodeJwt(browser.cookie(world.server.url, "TP_AT")!);
    assert.equal(atSignIn.exp! - atSignIn.iat!, 60);

    const response = await browser.fetch(`${world.server.url}/api/v1/auth/refresh`, { method: "POST" });
    const { data } = (await response.json()) as { data: Session };
    const lifetime = Date.parse(data.expiresAt) - Date.now();
    assert.ok(lifetime > 50_000 && lifetime <= 60_000, `lifetime ${lifetime} ms`);
  });
});
