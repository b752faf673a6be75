import assert from "node:assert/strict";
import { call, errorOf } from "../support/http.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const WEB_APP = "https://play.typephoon.example";
const EVIL = "https://evil.example";

describe("which web pages may change anything here (CSRF), and the security headers", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ CORS_ORIGINS: `${WEB_APP}, http://localhost:5173` });
  });
  after(async () => {
    await server?.stop();
  });

  describe("CSRF", () => {
    it("refuses a state-changing request from another site's page with 403 ORIGIN_NOT_ALLOWED", async () => {
      for (const path of ["/api/v1/auth/guest", "/api/v1/auth/refresh", "/api/v1/auth/logout"]) {
        const answer = await call(server.url, path, { method: "POST", json: {}, headers: { origin: EVIL } });
        assert.equal(answer.status, 403, path);
        assert.equal(errorOf(answer).code, "ORIGIN_NOT_ALLOWED");
        assert.equal(answer.headers.get("set-cookie"), null, "nothing was signed in or out");
      }
      const noOrigin = await call(server.url, "/api/v1/auth/logout", {
        method: "POST",
        headers: { "sec-fetch-site": "cross-site" },
      });
      assert.equal(noOrigin.status, 403, "a browser that hides Origin still says the request is cross-site");
    });

    it("accepts them from the server's own pages, the allow-list, and clients that are not browsers", async () => {
      const origins = [server.url, WEB_APP, "http://localhost:5173", undefined];
      for (const origin of origins) {
        const headers: Record<string, string> = origin ? { origin } : {};
        const answer = await call(server.url, "/api/v1/auth/guest", { method: "POST", json: {}, headers });
        assert.equal(answer.status, 201, String(origin));
      }
    });

    it("lets safe requests through from anywhere (reading is what CORS governs)", async () => {
      const answer = await call(server.url, "/api/v1/auth/providers", { headers: { origin: EVIL } });
      assert.equal(answer.status, 200);
    });
  });

  it("sends pages helmet's security headers, and JSON answers those that apply to them", async () => {
    for (const page of ["/", "/api/docs"]) {
      const response = await fetch(`${server.url}${page}`);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", page);
      assert.equal(response.headers.get("x-frame-options"), "SAMEORIGIN", page);
      assert.match(response.headers.get("content-security-policy") ?? "", /default-src 'self'/, page);
      assert.equal(response.headers.get("cross-origin-opener-policy"), "same-origin", page);
      assert.match(response.headers.get("strict-transport-security") ?? "", /max-age=/, page);
      assert.equal(response.headers.get("referrer-policy"), "no-referrer", page);
      assert.equal(response.headers.get("x-powered-by"), null, page);
    }
    for (const answer of ["/api/v1/auth/providers", "/api/v1/nothing-here", "/healthz", "/readyz"]) {
      const response = await fetch(`${server.url}${answer}`);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/, answer);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", answer);
      assert.equal(response.headers.get("x-frame-options"), "DENY", answer);
      assert.equal(
        response.headers.get("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'",
        answer,
      );
      assert.equal(response.headers.get("cross-origin-resource-policy"), "same-origin", answer);
      assert.match(response.headers.get("strict-transport-security") ?? "", /max-age=/, answer);
      assert.equal(response.headers.get("referrer-policy"), "no-referrer", answer);
      assert.equal(response.headers.get("x-powered-by"), null, answer);
      assert.equal(response.headers.get("x-dns-prefetch-control"), null, `${answer}: a page's header`);
    }
  });
});
