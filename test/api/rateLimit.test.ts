import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { memoryRateCounter, rateCounter } from "../../src/api/rateLimit.ts";
import { call, errorOf } from "../support/http.ts";
import { freePort } from "../support/processes.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { TEST_REDIS_URL } from "../support/services.ts";

/** A client of its own behind the (trusted, local) proxy: counted apart from every other test's. */
const someClient = () => ({
  "x-forwarded-for": `2001:db8::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`,
});

const signInGuestFrom = (server: TestServer, client: Record<string, string>) =>
  call(server.url, "/api/v1/auth/guest", { method: "POST", json: {}, headers: client });

describe("rate limits on the auth routes", () => {
  describe("one process", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: "3" });
    });
    after(async () => {
      await server?.stop();
    });

    it("answers 429 RATE_LIMITED with Retry-After past the limit, signing nobody in; other clients go on", async () => {
      const client = someClient();
      for (let i = 0; i < 3; i++) assert.equal((await signInGuestFrom(server, client)).status, 201);

      const refused = await signInGuestFrom(server, client);

      assert.equal(refused.status, 429);
      assert.equal(errorOf(refused).code, "RATE_LIMITED");
      const retryAfter = Number(refused.headers.get("retry-after"));
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
        `Retry-After: ${retryAfter}`,
      );
      assert.equal(refused.headers.get("set-cookie"), null);
      assert.equal((await signInGuestFrom(server, someClient())).status, 201);
    });

    it("counts every auth route against the same budget", async () => {
      const client = someClient();
      await call(server.url, "/api/v1/auth/refresh", { method: "POST", headers: client });
      await call(server.url, "/api/v1/auth/logout", { method: "POST", headers: client });
      await signInGuestFrom(server, client);
      const login = await fetch(`${server.url}/api/v1/auth/whatever/login`, {
        headers: client,
        redirect: "manual",
      });
      assert.equal(login.status, 429);
      const refresh = await call(server.url, "/api/v1/auth/refresh", { method: "POST", headers: client });
      assert.equal(errorOf(refresh).code, "RATE_LIMITED");
    });
  });

  describe("processes sharing Redis", () => {
    let servers: TestServer[] = [];
    before(async () => {
      const settings = { AUTH_RATE_LIMIT_PER_MINUTE: "3", REDIS_URL: TEST_REDIS_URL };
      servers = [await startTestServer(settings), await startTestServer(settings)];
    });
    after(async () => {
      for (const server of servers) await server.stop();
    });

    it("share one counter per client: the limit holds across the load balancer", async () => {
      const [a, b] = servers as [TestServer, TestServer];
      const client = someClient();
      assert.equal((await signInGuestFrom(a, client)).status, 201);
      assert.equal((await signInGuestFrom(b, client)).status, 201);
      assert.equal((await signInGuestFrom(a, client)).status, 201);
      assert.equal((await signInGuestFrom(b, client)).status, 429);
      assert.equal((await signInGuestFrom(a, client)).status, 429);
    });
  });

  describe("the counters", () => {
    it("count in fixed windows, starting afresh when a window ends", async () => {
      let now = 1_000_000;
      const counter = memoryRateCounter(() => now);
      assert.deepEqual(await counter.hit("k", 60_000), { count: 1, resetInMs: 60_000 });
      now += 20_000;
      assert.deepEqual(await counter.hit("k", 60_000), { count: 2, resetInMs: 40_000 });
      assert.deepEqual(await counter.hit("other", 60_000), { count: 1, resetInMs: 60_000 });
      now += 40_000;
      assert.deepEqual(await counter.hit("k", 60_000), { count: 1, resetInMs: 60_000 });
    });

    it("in Redis, expire with their window", async () => {
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const counter = rateCounter(redis);
        const key = `test:${randomBytes(4).toString("hex")}`;
        assert.equal((await counter.hit(key, 150)).count, 1);
        const second = await counter.hit(key, 150);
        assert.equal(second.count, 2);
        assert.ok(second.resetInMs > 0 && second.resetInMs <= 150);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal((await counter.hit(key, 150)).count, 1);
      } finally {
        await redis.quit();
      }
    });

    it("count in memory while Redis is unreachable, rather than failing the request", async () => {
      const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      redis.on("error", () => {});
      const counter = rateCounter(redis);
      assert.equal((await counter.hit("k", 60_000)).count, 1);
      assert.equal((await counter.hit("k", 60_000)).count, 2);
      redis.disconnect();
    });
  });
});
