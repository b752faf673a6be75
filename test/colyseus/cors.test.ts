import assert from "node:assert/strict";
import { applyCorsAllowList } from "../../src/colyseus/cors.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const WEB_APP = "https://play.typephoon.example";
const EVIL = "https://evil.example";
const corsHeadersOf = (answer: Response) =>
  [...answer.headers.keys()].filter((name) => name.startsWith("access-control-"));

describe("which web pages may call the server with credentials (CORS through Colyseus's hooks)", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ CORS_ORIGINS: `${WEB_APP}, http://localhost:5173` });
  });
  after(async () => {
    await server?.stop();
  });

  const preflight = (path: string, origin: string) =>
    fetch(`${server.url}${path}`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

  it("lets the allow-listed web app call the API with credentials", async () => {
    const answer = await preflight("/api/v1/auth/refresh", WEB_APP);
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get("access-control-allow-origin"), WEB_APP);
    assert.equal(answer.headers.get("access-control-allow-credentials"), "true");
    assert.match(answer.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(answer.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    assert.equal(answer.headers.get("access-control-max-age"), "600");

    const response = await fetch(`${server.url}/api/v1/auth/providers`, { headers: { origin: WEB_APP } });
    assert.equal(response.headers.get("access-control-allow-origin"), WEB_APP);
    assert.match(response.headers.get("access-control-expose-headers") ?? "", /X-Request-Id/);
  });

  it("answers the same once the list is applied again, as each server of a process does", async () => {
    applyCorsAllowList([WEB_APP, "http://localhost:5173"]);
    const answer = await preflight("/api/v1/auth/refresh", WEB_APP);
    assert.equal(answer.headers.get("access-control-allow-origin"), WEB_APP);
    assert.match(answer.headers.get("access-control-allow-methods") ?? "", /POST/);
  });

  it("gives any other origin no CORS header at all, on the API and on matchmaking", async () => {
    for (const path of ["/api/v1/auth/refresh", "/matchmake/joinOrCreate/lobby"]) {
      const answer = await preflight(path, EVIL);
      assert.equal(answer.headers.get("access-control-allow-origin"), null, path);
      assert.equal(answer.headers.get("access-control-allow-credentials"), null, path);
    }
    const response = await fetch(`${server.url}/api/v1/auth/providers`, { headers: { origin: EVIL } });
    assert.equal(response.status, 200);
    const withoutOrigin = await fetch(`${server.url}/api/v1/auth/providers`);
    for (const answer of [response, withoutOrigin]) {
      assert.deepEqual(corsHeadersOf(answer), []);
      assert.equal(answer.headers.get("vary"), "Origin", "every answer depends on the Origin");
    }
  });

  it("gives matchmaking's answers, which Typephoon's route serves, the same headers", async () => {
    const answer = await fetch(`${server.url}/matchmake/joinOrCreate/lobby`, {
      method: "POST",
      headers: { origin: WEB_APP, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get("access-control-allow-origin"), WEB_APP);
    const foreign = await fetch(`${server.url}/matchmake/joinOrCreate/lobby`, {
      method: "POST",
      headers: { origin: EVIL },
    });
    assert.deepEqual(corsHeadersOf(foreign), []);
  });
});
