import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { Writable } from "node:stream";
import pg from "pg";
import { MONITOR_INDEX, WEB_FONT_LINK } from "../../src/colyseus/monitorPage.ts";
import { createLogger } from "../../src/log.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call, errorOf, signInGuest } from "../support/http.ts";
import { eventually, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/** Log lines of the server, parsed, as a test can read them. */
function memoryLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
}

describe("API conventions", () => {
  let server: TestServer;
  const log = memoryLog();
  before(async () => {
    server = await startTestServer({ MONITOR_PASSWORD: "monitor-secret" }, log.logger);
  });
  after(async () => {
    await server.stop();
  });

  describe("request ids", () => {
    it("keeps a well-formed incoming X-Request-Id and puts it on every log line of the request", async () => {
      const id = "client-chosen.id_42";
      const answer = await call(server.url, "/api/v1/auth/me", { headers: { "x-request-id": id } });
      assert.equal(answer.headers.get("x-request-id"), id);
      const lines = log.lines.filter((line) => line.requestId === id);
      assert.ok(lines.length >= 1);
      assert.ok(lines.every((line) => line.component === "http"));
    });

    it("replaces a malformed or missing one with a generated id", async () => {
      const malformed = await call(server.url, "/healthz", {
        headers: { "x-request-id": "bad id with spaces" },
      });
      assert.match(malformed.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      const tooLong = await call(server.url, "/healthz", { headers: { "x-request-id": "a".repeat(129) } });
      assert.match(tooLong.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      const missing = await call(server.url, "/healthz");
      assert.match(missing.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.notEqual(missing.headers.get("x-request-id"), malformed.headers.get("x-request-id"));
    });

    it("logs each request once it ends: method, path without its query, status and time", async () => {
      await call(server.url, "/api/v1/leaderboards?period=daily", {
        headers: { "x-request-id": "ended-1" },
      });
      await call(server.url, "/api/v1/leaderboards?period=nope&token=secret", {
        headers: { "x-request-id": "ended-2" },
      });
      await call(server.url, "/healthz", { headers: { "x-request-id": "probe-1" } });
      const ended = (id: string) =>
        log.lines.filter((line) => line.requestId === id && line.msg === "request completed");
      await eventually("the requests' last lines", () => ended("ended-2").length === 1);
      const [line] = ended("ended-1");
      assert.deepEqual(
        { component: line?.component, level: line?.level, req: line?.req, res: line?.res },
        {
          component: "http",
          level: 30,
          req: { method: "GET", url: "/api/v1/leaderboards" },
          res: { statusCode: 200 },
        },
      );
      assert.equal(typeof line?.responseTime, "number");
      assert.deepEqual(
        [ended("ended-2")[0]?.req, ended("ended-2")[0]?.res],
        [{ method: "GET", url: "/api/v1/leaderboards" }, { statusCode: 422 }],
      );
      assert.equal(
        log.lines.some((line) => line.requestId === "probe-1"),
        false,
      );
    });

    it("logs a request whose client hung up before the answer as aborted", async () => {
      // Half a JSON body, then the connection closes: the body is never read to its end.
      const { port } = new URL(server.url);
      const socket = connect(Number(port), "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        "POST /api/v1/auth/guest HTTP/1.1\r\nHost: x\r\nX-Request-Id: hung-up-1\r\n" +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
      );
      socket.destroy();
      const line = await eventually("the aborted request's line", () =>
        log.lines.find((line) => line.requestId === "hung-up-1"),
      );
      assert.deepEqual(
        [line.msg, line.level, line.req],
        ["request aborted", 30, { method: "POST", url: "/api/v1/auth/guest" }],
      );
    });

    it("never logs tokens or cookies", async () => {
      const guest = await signInGuest(server.url);
      await call(server.url, "/api/v1/auth/me", {
        token: guest.accessToken,
        headers: { "x-request-id": "no-leak" },
      });
      const text = JSON.stringify(log.lines);
      assert.ok(!text.includes(guest.accessToken));
    });
  });

  it("answers an unknown route with 404 NOT_FOUND in the envelope", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/nothing-here"],
      ["POST", "/api/v1/auth/nope"],
      ["DELETE", "/api/v1/auth/guest"],
    ] as const) {
      const answer = await call(server.url, path, { method });
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.deepEqual(answer.body, { ok: false, error: { code: "NOT_FOUND", message: "no such route" } });
    }
  });

  it("answers an unexpected failure with 500 INTERNAL carrying the request id, without internals", async () => {
    // A query fails while PostgreSQL is up: the column it reads is away for this one request.
    const { accessToken } = await signInGuest(server.url);
    const database = new pg.Client({ connectionString: testDatabaseUrl() });
    await database.connect();
    let answer: Awaited<ReturnType<typeof call>>;
    try {
      await database.query("ALTER TABLE users RENAME COLUMN name TO name_away");
      answer = await call(server.url, "/api/v1/auth/me", {
        token: accessToken,
        headers: { "x-request-id": "boom-1" },
      });
    } finally {
      await database.query("ALTER TABLE users RENAME COLUMN name_away TO name");
      await database.end();
    }
    assert.equal(answer.status, 500);
    const error = errorOf(answer);
    assert.deepEqual(error, {
      code: "INTERNAL",
      message: "something went wrong on our side",
      requestId: "boom-1",
    });
    assert.ok(log.lines.some((line) => line.requestId === "boom-1" && line.level === 50 && line.err));
    const ended = await eventually("the failed request's last line", () =>
      log.lines.find((line) => line.requestId === "boom-1" && line.msg === "request failed"),
    );
    assert.deepEqual([ended.level, ended.res], [50, { statusCode: 500 }]);
  });

  describe("health", () => {
    it("GET /healthz says the process is alive", async () => {
      const answer = await call(server.url, "/healthz");
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ok: true, data: { alive: true } });
    });

    it("GET /readyz checks the process and PostgreSQL", async () => {
      const answer = await call(server.url, "/readyz");
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, {
        ok: true,
        data: { ready: true, degraded: [], checks: { process: { ok: true }, postgres: { ok: true } } },
      });
    });
  });

  describe("the monitor", () => {
    it("is behind HTTP basic auth", async () => {
      const refused = await call(server.url, "/monitor/api");
      assert.equal(refused.status, 401);
      assert.equal(errorOf(refused).code, "UNAUTHORIZED");
      assert.match(refused.headers.get("www-authenticate") ?? "", /^Basic /);
      const wrong = await fetch(`${server.url}/monitor/`, {
        headers: { authorization: `Basic ${Buffer.from("admin:wrong").toString("base64")}` },
      });
      assert.equal(wrong.status, 401);
      const allowed = await fetch(`${server.url}/monitor/`, {
        headers: { authorization: `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}` },
      });
      assert.equal(allowed.status, 200);
    });

    it("loads nothing from the internet: no web font (issue 24)", async () => {
      const upstream = await readFile(MONITOR_INDEX, "utf8");
      assert.match(
        upstream,
        WEB_FONT_LINK,
        "@colyseus/monitor no longer links a web font: drop the workaround",
      );
      for (const path of ["/monitor/", "/monitor/rooms"]) {
        const page = await fetch(`${server.url}${path}`, {
          headers: { authorization: `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}` },
        });
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.match(html, /<script type="module"[^>]*src="\.\/assets\//, "the monitor's own page");
        assert.doesNotMatch(html, /https?:\/\//, `${path} links nothing outside this server`);
      }
    });
  });
});

describe("readiness with Redis", () => {
  it("reports PostgreSQL, Redis and matchmaking's own Redis connections when REDIS_URL is set", async () => {
    const { TEST_REDIS_URL } = await import("../support/services.ts");
    const server = await startTestServer({ REDIS_URL: TEST_REDIS_URL });
    try {
      const answer = await call(server.url, "/readyz");
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, {
        ok: true,
        data: {
          ready: true,
          degraded: [],
          checks: {
            process: { ok: true },
            postgres: { ok: true },
            redis: { ok: true },
            matchmaking: { ok: true },
          },
        },
      });
    } finally {
      await server.stop();
    }
  });
});

describe("readiness while shutting down", () => {
  it("answers 503 naming the process while a race finishes, so that new players go elsewhere", async function () {
    this.timeout(20_000);
    const server = await startTestServer({
      LOBBY_MAX_PLAYERS: "1",
      RACE_START_COUNTDOWN_MS: "200",
      RACE_WORDS: "2",
    });
    const solo = await Player.signIn(server.url, "Solo");
    await solo.queue();
    await solo.enterRace();
    const stopping = server.stop();
    const answer = await eventually("not ready", async () => {
      const reply = await call(server.url, "/readyz");
      return reply.status === 503 ? reply : undefined;
    });
    assert.match(errorOf(answer).message, /^unreachable: process$/);
    const seat = await call(server.url, "/matchmake/joinOrCreate/lobby", {
      method: "POST",
      json: {},
      token: solo.accessToken,
    });
    assert.equal(seat.status, 503);
    assert.equal(errorOf(seat).code, "SHUTTING_DOWN");
    assert.equal(seat.headers.get("retry-after"), "2");
    await solo.waitForRacing();
    solo.type([...solo.race!.state.words].join(" "));
    await stopping;
    assert.ok(solo.finished, "the race ran to its end before the server stopped");
  });
});
