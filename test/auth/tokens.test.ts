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
});
