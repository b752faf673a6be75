import assert from "node:assert/strict";
import { call, errorOf, signInGuest } from "../support/http.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

describe("rate limits on every API route", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ API_RATE_LIMIT_PER_MINUTE: "8", USER_RATE_LIMIT_PER_MINUTE: "3" });
  });
  after(async () => {
    await server.stop();
  });

  it("per session: a signed-in client gets its own budget, which others do not share", async () => {
    const ann = await signInGuest(server.url, "Ann");
    const bob = await signInGuest(server.url, "Bob");
    for (let i = 0; i < 3; i++)
      assert.equal((await call(server.url, "/api/v1/auth/me", { token: ann.accessToken })).status, 200);
    const limited = await call(server.url, "/api/v1/auth/me", { token: ann.accessToken });
    assert.equal(limited.status, 429);
    assert.equal(errorOf(limited).code, "RATE_LIMITED");
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.equal((await call(server.url, "/api/v1/auth/me", { token: bob.accessToken })).status, 200);
  });

  it("per IP: anonymous and signed-in requests from one address share its budget", async () => {
    let status = 200;
    for (let i = 0; i < 12 && status !== 429; i++)
      status = (await call(server.url, "/api/v1/games/00000000-0000-4000-8000-000000000000")).status;
    assert.equal(status, 429);
    // Health checks are not API calls: a load balancer's probes never run out.
    assert.equal((await call(server.url, "/healthz")).status, 200);
  });
});
