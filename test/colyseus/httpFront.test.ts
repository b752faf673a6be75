import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server.ts";

describe("the HTTP front: Express serves every request but Colyseus's preflights and health check", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  it("sends /matchmake to Express (the API's request id and envelope), not to Colyseus's route", async () => {
    const answer = await fetch(`${server.url}/matchmake/joinOrCreate/lobby`, { method: "POST" });
    assert.equal(answer.status, 401);
    assert.ok(answer.headers.get("x-request-id"));
    const body = (await answer.json()) as { ok: boolean; error: { code: string }; message: string };
    assert.deepEqual([body.ok, body.error.code], [false, "UNAUTHORIZED"]);
    assert.match(body.message, /^UNAUTHORIZED: /);
  });

  it("sends the API to Express with the answer's Vary: Origin, as Colyseus would have", async () => {
    const answer = await fetch(`${server.url}/healthz`);
    assert.equal(answer.status, 200);
    assert.ok(answer.headers.get("x-request-id"));
    assert.equal(answer.headers.get("vary"), "Origin");
    const missing = await fetch(`${server.url}/api/v1/nothing-here?x=1`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  });

  it("leaves Colyseus's own health check and preflights to Colyseus", async () => {
    const health = await fetch(`${server.url}/__healthcheck`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "OK");
    const preflight = await fetch(`${server.url}/matchmake/joinOrCreate/lobby`, { method: "OPTIONS" });
    assert.equal(preflight.status, 204);
  });
});
