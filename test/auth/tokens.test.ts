import assert from "node:assert/strict";
import { createTokenService, TokenError } from "../../src/auth/tokens.ts";
import { TEST_JWT_SECRET } from "../support/server.ts";

describe("access tokens of guests merged into an account (src/auth/tokens.ts)", () => {
  const guest = { id: "6f9619ff-8b86-4d01-b42d-00cf4fc964ff", name: "Guest", guest: true };
  const account = { ...guest, guest: false };

  it("refuses a merged guest's token, and asks nothing about registered accounts", async () => {
    const asked: string[] = [];
    const tokens = createTokenService(TEST_JWT_SECRET, {
      isMergedGuest: async (userId) => {
        asked.push(userId);
        return true;
      },
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
    assert.deepEqual(asked, [guest.id]);
  });

  it("lets guests in while the check fails or stalls (a database outage signs nobody out)", async () => {
    const failing = createTokenService(TEST_JWT_SECRET, {
      isMergedGuest: () => Promise.reject(new Error("database down")),
    });
    const stalled = createTokenService(TEST_JWT_SECRET, { isMergedGuest: () => new Promise(() => {}) });
    for (const tokens of [failing, stalled]) {
      const { token } = await tokens.issueAccessToken(guest, 60);
      assert.deepEqual(await tokens.verifyAccessToken(token), guest);
    }
  });

  it("checks a token verified before again for its expiry and for a merge since", async () => {
    let merged = false;
    const tokens = createTokenService(TEST_JWT_SECRET, { isMergedGuest: async () => merged });
    // Issued 59 s ago for 60 s: valid for at most one more second.
    const { token } = await tokens.issueAccessToken(guest, 60, new Date(Date.now() - 59_000));
    assert.deepEqual(await tokens.verifyAccessToken(token), guest);
    merged = true;
    await assert.rejects(tokens.verifyAccessToken(token), /belongs to an account/);
    merged = false;
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
