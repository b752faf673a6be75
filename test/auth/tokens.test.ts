import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createTokenService, TokenError, type UserStanding } from "../../src/auth/tokens.ts";
import { TEST_JWT_SECRET } from "../support/server.ts";

describe("access tokens of guests merged into an account, and of deleted users (src/auth/tokens.ts)", () => {
  const guest = { id: "6f9619ff-8b86-4d01-b42d-00cf4fc964ff", name: "Guest", guest: true };
  const account = { ...guest, id: "7f9619ff-8b86-4d01-b42d-00cf4fc964ff", guest: false };

  it("refuses a merged guest's token and a deleted user's, whoever they were", async () => {
    const standings = new Map<string, UserStanding>([[guest.id, "merged"]]);
    const tokens = createTokenService(TEST_JWT_SECRET, {
      standingOf: async (userId) => standings.get(userId) ?? "active",
    });
    const { token } = await tokens.issueAccessToken(guest, 60);
    await assert.rejects(tokens.verifyAccessToken(token), (error: TokenError) => {
      assert.ok(error instanceof TokenError);
      assert.equal(error.code, "UNAUTHORIZED");
      assert.match(error.message, /belongs to an account/);
      return true;
    });
    const registered = await tokens.issueAccessToken(account, 60);
    assert.deepEqual(await tokens.verifyAccessToken(registered.token), account);
    standings.set(account.id, "deleted");
    await assert.rejects(tokens.verifyAccessToken(registered.token), {
      code: "UNAUTHORIZED",
      message: "this user no longer exists",
    });
  });

  it("lets players in while the check fails or stalls (a database outage signs nobody out)", async () => {
    const failing = createTokenService(TEST_JWT_SECRET, {
      standingOf: () => Promise.reject(new Error("database down")),
    });
    const stalled = createTokenService(TEST_JWT_SECRET, { standingOf: () => new Promise(() => {}) });
    for (const tokens of [failing, stalled]) {
      const { token } = await tokens.issueAccessToken(guest, 60);
      assert.deepEqual(await tokens.verifyAccessToken(token), guest);
    }
  });

  it("checks a token verified before again for its expiry and for a merge since", async () => {
    let standing: UserStanding = "active";
    const tokens = createTokenService(TEST_JWT_SECRET, { standingOf: async () => standing });
    // Issued 59 s ago for 60 s: valid for at most one more second.
    const { token } = await tokens.issueAccessToken(guest, 60, new Date(Date.now() - 59_000));
    assert.deepEqual(await tokens.verifyAccessToken(token), guest);
    standing = "merged";
    await assert.rejects(tokens.verifyAccessToken(token), /belongs to an account/);
    standing = "active";
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await assert.rejects(tokens.verifyAccessToken(token), { code: "TOKEN_EXPIRED" });
  });

  it("never takes a tampered token for a verified one", async () => {
    const tokens = createTokenService(TEST_JWT_SECRET);
    const { token } = await tokens.issueAccessToken(guest, 60);
    await tokens.verifyAccessToken(token);
    const [header, , signature] = token.split(".");
    const claims = Buffer.from(JSON.stringify({ sub: guest.id, name: "Mallory", guest: false })).toString(
      "base64url",
    );
    await assert.rejects(tokens.verifyAccessToken(`${header}.${claims}.${signature}`), {
      code: "UNAUTHORIZED",
    });
  });
});

describe("access token checks (src/auth/tokens.ts)", () => {
  const user = { id: "6f9619ff-8b86-4d01-b42d-00cf4fc964ff", name: "Ada", guest: false };
  const tokens = createTokenService(TEST_JWT_SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  /** A token signed with the real secret, whatever its header and claims say. */
  const signed = (header: object, claims: object) => {
    const body = `${part(header)}.${part(claims)}`;
    return `${body}.${createHmac("sha256", TEST_JWT_SECRET).update(body).digest("base64url")}`;
  };
  const claims = () => ({
    sub: user.id,
    name: user.name,
    guest: false,
    token_use: "access",
    iss: "typephoon",
    iat: now(),
    exp: now() + 60,
  });

  it("accepts exactly what it issues, and a token signed the same way", async () => {
    const { token } = await tokens.issueAccessToken(user, 60);
    assert.deepEqual(await tokens.verifyAccessToken(token), user);
    assert.deepEqual(await tokens.verifyAccessToken(signed({ alg: "HS256", typ: "JWT" }, claims())), user);
  });

  it("refuses a signature with anything added, changed or missing, or spelled another way", async () => {
    const { token } = await tokens.issueAccessToken(user, 60);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1)!);
    const withLast = (index: number) => `${token.slice(0, -1)}${alphabet[index]}`;
    const refused = [
      `${token}A`,
      `${token}=`,
      `${token}.`,
      token.slice(0, -1),
      withLast((last + 4) % 64),
      // The last character's two lowest bits carry nothing: this decodes to the same bytes.
      withLast(last ^ 1),
    ];
    for (const tampered of refused) {
      await assert.rejects(tokens.verifyAccessToken(tampered), { code: "UNAUTHORIZED" }, tampered);
    }
  });

  it("refuses a token whose header names another algorithm, or claims another issuer or none", async () => {
    const refused = [
      signed({ alg: "HS512" }, claims()),
      signed({ alg: "none" }, claims()),
      signed({ alg: "HS256" }, { ...claims(), iss: "someone-else" }),
      signed({ alg: "HS256" }, { ...claims(), sub: undefined }),
      signed({ alg: "HS256" }, { ...claims(), iat: undefined }),
      signed({ alg: "HS256" }, { ...claims(), exp: undefined }),
      signed({ alg: "HS256" }, { ...claims(), exp: String(now() + 60) }),
      signed({ alg: "HS256" }, { ...claims(), token_use: "refresh" }),
    ];
    for (const token of refused)
      await assert.rejects(tokens.verifyAccessToken(token), { code: "UNAUTHORIZED" });
  });

  it("refuses a token not valid yet, or issued later than the clocks' skew explains", async () => {
    const refused = [
      signed({ alg: "HS256" }, { ...claims(), nbf: now() + 60 }),
      signed({ alg: "HS256" }, { ...claims(), iat: now() + 60 }),
      signed({ alg: "HS256" }, { ...claims(), iat: now() + 60, exp: now() + 120 }),
    ];
    for (const token of refused)
      await assert.rejects(tokens.verifyAccessToken(token), { code: "UNAUTHORIZED" }, token);
    // Issued by another process whose clock runs a little ahead of this one's.
    const aheadByASecond = signed({ alg: "HS256" }, { ...claims(), iat: now() + 1 });
    assert.deepEqual(await tokens.verifyAccessToken(aheadByASecond), user);
  });

  it("refuses a subject that is not a user id", async () => {
    for (const sub of ["admin", `${user.id}0`, user.id.replaceAll("-", ""), "", 42]) {
      const token = signed({ alg: "HS256" }, { ...claims(), sub });
      await assert.rejects(tokens.verifyAccessToken(token), { code: "UNAUTHORIZED" }, String(sub));
    }
  });

  it("calls a token expired from the second its expiry names", async () => {
    const expired = signed({ alg: "HS256" }, { ...claims(), exp: now() });
    await assert.rejects(tokens.verifyAccessToken(expired), { code: "TOKEN_EXPIRED" });
  });
});
