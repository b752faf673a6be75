import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { createTokenService } from "../../src/auth/tokens.ts";
import { call, dataOf, errorOf, signInGuest } from "../support/http.ts";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server.ts";

describe("guest sign-in and the access token", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  describe("POST /api/v1/auth/guest", () => {
    it("creates a guest with the chosen name and answers 201 with a token and a cookie", async () => {
      const answer = await call<{
        user: { id: string; name: string; guest: boolean };
        accessToken: string;
        expiresAt: string;
      }>(server.url, "/api/v1/auth/guest", { method: "POST", json: { name: "  Ada  " } });
      assert.equal(answer.status, 201);
      const data = dataOf(answer);
      assert.match(data.user.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual({ name: data.user.name, guest: data.user.guest }, { name: "Ada", guest: true });
      const expiresIn = Date.parse(data.expiresAt) - Date.now();
      assert.ok(expiresIn > 23 * 3600_000 && expiresIn <= 24 * 3600_000, "a guest token lasts 24 h");
      const cookie = answer.headers.get("set-cookie") ?? "";
      assert.match(cookie, new RegExp(`^TP_AT=${data.accessToken};`));
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /; Secure/);
    });

    it("marks the cookie Secure when the request came over https through a trusted local proxy", async () => {
      const proxied = await startTestServer({ TRUST_PROXY: "loopback" });
      try {
        const answer = await call(proxied.url, "/api/v1/auth/guest", {
          method: "POST",
          json: {},
          headers: { "x-forwarded-proto": "https" },
        });
        assert.equal(answer.status, 201);
        assert.match(answer.headers.get("set-cookie") ?? "", /; Secure/);
      } finally {
        await proxied.stop();
      }
    });

    it("gives a friendly generated name when none is asked for, with or without a body", async () => {
      const withEmptyBody = await signInGuest(server.url);
      assert.match(withEmptyBody.user.name, /^[A-Z][a-z]+ [A-Z][a-z]+ \d{3}$/);
      const withoutBody = await call(server.url, "/api/v1/auth/guest", { method: "POST" });
      assert.equal(withoutBody.status, 201);
    });

    it("accepts 24 characters, counting emoji and accents as one each", async () => {
      const name = `${"é".repeat(23)}🦊`;
      assert.equal((await signInGuest(server.url, name)).user.name, name);
    });

    const badBodies: Array<[string, unknown, string]> = [
      ["an empty name", { name: "" }, "body.name"],
      ["a blank name", { name: "   " }, "body.name"],
      ["a 25-character name", { name: "x".repeat(25) }, "body.name"],
      ["a name with a control character", { name: "bad\u0007name" }, "body.name"],
      ["a name of invisible fillers", { name: "\u3164\u3164\u3164" }, "body.name"],
      ["a name of stacked marks (Zalgo)", { name: "Z\u0301\u0302\u0303algo" }, "body.name"],
      ["a name that is not a string", { name: 42 }, "body.name"],
      ["an unknown field", { name: "ok", admin: true }, "body"],
      ["a body that is not an object", [1, 2], "body"],
    ];
    for (const [what, json, path] of badBodies) {
      it(`refuses ${what} with 422 VALIDATION_ERROR and per-field details, creating nobody`, async () => {
        const answer = await call(server.url, "/api/v1/auth/guest", { method: "POST", json });
        assert.equal(answer.status, 422);
        const error = errorOf(answer);
        assert.equal(error.code, "VALIDATION_ERROR");
        const details = error.details as Array<{ path: string; message: string }>;
        assert.ok(details.length >= 1);
        assert.equal(details[0]!.path, path);
        assert.ok(details[0]!.message.length > 0);
        assert.equal(answer.headers.get("set-cookie"), null);
      });
    }

    it("answers malformed JSON with 400 BAD_JSON", async () => {
      const answer = await call(server.url, "/api/v1/auth/guest", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"name":',
      });
      assert.equal(answer.status, 400);
      assert.equal(errorOf(answer).code, "BAD_JSON");
    });

    it("answers a body over 16 KB with 413 PAYLOAD_TOO_LARGE", async () => {
      const answer = await call(server.url, "/api/v1/auth/guest", {
        method: "POST",
        json: { name: "x", padding: "y".repeat(17 * 1024) },
      });
      assert.equal(answer.status, 413);
      assert.equal(errorOf(answer).code, "PAYLOAD_TOO_LARGE");
    });
  });

  describe("GET /api/v1/auth/me", () => {
    it("returns the user for a bearer token and for the cookie", async () => {
      const guest = await signInGuest(server.url, "Grace");
      const byBearer = await call(server.url, "/api/v1/auth/me", { token: guest.accessToken });
      assert.deepEqual(dataOf(byBearer), { user: guest.user });
      const byCookie = await call(server.url, "/api/v1/auth/me", {
        headers: { cookie: `other=1; TP_AT=${guest.accessToken}` },
      });
      assert.deepEqual(dataOf(byCookie), { user: guest.user });
    });

    it("refuses a request without a token with 401 UNAUTHORIZED", async () => {
      const answer = await call(server.url, "/api/v1/auth/me");
      assert.equal(answer.status, 401);
      assert.equal(errorOf(answer).code, "UNAUTHORIZED");
    });

    it("answers an expired token with 401 TOKEN_EXPIRED", async () => {
      const guest = await signInGuest(server.url);
      const tokens = createTokenService(TEST_JWT_SECRET);
      const { token } = await tokens.issueAccessToken(guest.user, 60, new Date(Date.now() - 3600_000));
      const answer = await call(server.url, "/api/v1/auth/me", { token });
      assert.equal(answer.status, 401);
      assert.equal(errorOf(answer).code, "TOKEN_EXPIRED");
    });

    it("refuses forged, unsigned, mistyped and malformed tokens with 401 UNAUTHORIZED", async () => {
      const guest = await signInGuest(server.url);
      const claims = { name: "Eve", guest: true, token_use: "access" };
      const now = Math.floor(Date.now() / 1000);
      const sign = (payload: Record<string, unknown>, secret = TEST_JWT_SECRET, alg = "HS256") =>
        new SignJWT(payload)
          .setProtectedHeader({ alg })
          .setSubject(guest.user.id)
          .setIssuer("typephoon")
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .sign(new TextEncoder().encode(secret));
      const forged = [
        await sign(claims, "another-secret-another-secret-another-secret"),
        await sign(claims, TEST_JWT_SECRET, "HS512"),
        await sign({ ...claims, token_use: "refresh" }),
        await sign({ name: "Eve", guest: true }),
        new UnsecuredJWT(claims)
          .setSubject(guest.user.id)
          .setIssuer("typephoon")
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .encode(),
        "not.a.jwt",
        "garbage",
      ];
      for (const token of forged) {
        const answer = await call(server.url, "/api/v1/auth/me", { token });
        assert.equal(answer.status, 401, token);
        assert.equal(errorOf(answer).code, "UNAUTHORIZED", token);
      }
      const malformedHeader = await call(server.url, "/api/v1/auth/me", {
        headers: { authorization: "Basic abc" },
      });
      assert.equal(errorOf(malformedHeader).code, "UNAUTHORIZED");
    });

    it("refuses tokens not valid yet, issued in the future, or naming no user id with 401 UNAUTHORIZED", async () => {
      const now = Math.floor(Date.now() / 1000);
      const sign = (subject: string, times: { iat?: number; nbf?: number } = {}) =>
        new SignJWT({
          name: "Eve",
          guest: true,
          token_use: "access",
          ...(times.nbf ? { nbf: times.nbf } : {}),
        })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(subject)
          .setIssuer("typephoon")
          .setIssuedAt(times.iat ?? now)
          .setExpirationTime(now + 600)
          .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const guest = await signInGuest(server.url);
      const refused = [
        await sign(guest.user.id, { nbf: now + 300 }),
        await sign(guest.user.id, { iat: now + 300 }),
        await sign("not-a-user-id"),
      ];
      for (const token of refused) {
        const answer = await call(server.url, "/api/v1/auth/me", { token });
        assert.equal(answer.status, 401, token);
        assert.equal(errorOf(answer).code, "UNAUTHORIZED", token);
      }
    });
  });
});
