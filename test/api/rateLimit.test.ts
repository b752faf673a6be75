import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Options } from "express-rate-limit";
import { Redis } from "ioredis";
import {
  counterStore,
  REDIS_COUNT_TIMEOUT_MS,
  REDIS_RETRY_AFTER_MS,
  type RedisOutage,
} from "../../src/api/rateLimit.ts";
import { call, dataOf, errorOf } from "../support/http.ts";
import { freePort } from "../support/processes.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { TEST_REDIS_URL } from "../support/services.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy.ts";

/**
 * A client of its own behind the (trusted, local) proxy: counted apart from every other test's
 * (an IPv6 client is counted by its /56).
 */
const someClient = () => ({
  "x-forwarded-for": `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(1).toString("hex")}00::1`,
});

/** TEST_REDIS_URL, reached through `proxy`. */
function redisThrough(proxy: TcpProxy): string {
  const url = new URL(TEST_REDIS_URL);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return url.href;
}

const signInGuestFrom = (server: TestServer, client: Record<string, string>) =>
  call(server.url, "/api/v1/auth/guest", { method: "POST", json: {}, headers: client });

describe("rate limits on the auth routes", () => {
  describe("one process", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: "3", TRUST_PROXY: "loopback" });
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

    it("by default believes no proxy: X-Forwarded-For from a client does not buy a new budget", async () => {
      const direct = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: "3" });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await signInGuestFrom(direct, someClient())).status);
        assert.deepEqual(statuses, [201, 201, 201, 429]);
      } finally {
        await direct.stop();
      }
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
      const settings = {
        AUTH_RATE_LIMIT_PER_MINUTE: "3",
        REDIS_URL: TEST_REDIS_URL,
        TRUST_PROXY: "loopback",
      };
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

  describe("a process cut off from Redis by a partition (packets dropped, no reset)", () => {
    let proxy: TcpProxy;
    let server: TestServer;
    before(async () => {
      proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
      server = await startTestServer({
        AUTH_RATE_LIMIT_PER_MINUTE: "3",
        API_RATE_LIMIT_PER_MINUTE: "100",
        USER_RATE_LIMIT_PER_MINUTE: "100",
        REDIS_URL: redisThrough(proxy),
        TRUST_PROXY: "loopback",
      });
    });
    after(async () => {
      proxy?.restore();
      await server?.stop();
      await proxy?.close();
    });

    it("answers the API at once, counting in memory meanwhile", async () => {
      proxy.drop();
      const client = someClient();
      // All of it within 3 s, where a request used to wait for an answer that never came.
      const promptly = { signal: AbortSignal.timeout(3_000) };
      const signIn = () =>
        call<{ accessToken: string }>(server.url, "/api/v1/auth/guest", {
          method: "POST",
          json: {},
          headers: client,
          ...promptly,
        });
      const { accessToken } = dataOf(await signIn());
      assert.equal(
        (await call(server.url, "/api/v1/auth/me", { token: accessToken, ...promptly })).status,
        200,
      );
      assert.equal((await signIn()).status, 201);
      assert.equal((await signIn()).status, 201);
      const refused = await signIn();
      assert.equal(errorOf(refused).code, "RATE_LIMITED");
    });
  });

  describe("the counters", () => {
    const windowOf150Ms = { windowMs: 150 } as Options;
    const someKey = () => `test:${randomBytes(4).toString("hex")}`;

    it("count in fixed windows, in memory and in Redis, starting afresh when a window ends", async () => {
      const redis = new Redis(TEST_REDIS_URL);
      try {
        for (const store of [counterStore("memory", undefined), counterStore("shared", redis)]) {
          store.init?.(windowOf150Ms);
          const key = someKey();
          assert.equal((await store.increment(key)).totalHits, 1);
          const second = await store.increment(key);
          assert.equal(second.totalHits, 2);
          const resetInMs = second.resetTime!.getTime() - Date.now();
          assert.ok(resetInMs > 0 && resetInMs <= 150, `resets in ${resetInMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 200));
          assert.equal((await store.increment(key)).totalHits, 1);
        }
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
      const store = counterStore("unreachable", redis);
      store.init?.({ windowMs: 60_000 } as Options);
      assert.equal((await store.increment("k")).totalHits, 1);
      assert.equal((await store.increment("k")).totalHits, 2);
      redis.disconnect();
    });

    it("give up on a Redis that does not answer within REDIS_COUNT_TIMEOUT_MS, and count in it again once it does", async () => {
      const proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
      const redis = new Redis(redisThrough(proxy));
      const direct = new Redis(TEST_REDIS_URL);
      try {
        const outage: RedisOutage = { until: 0 };
        const store = counterStore("partitioned", redis, outage);
        store.init?.({ windowMs: 60_000 } as Options);
        const key = someKey();
        const inRedis = async () => Number(await direct.get(`ratelimit:partitioned:${key}`));
        assert.equal((await store.increment(key)).totalHits, 1);
        assert.equal(await inRedis(), 1);

        proxy.drop();
        let startedAt = performance.now();
        assert.equal((await store.increment(key)).totalHits, 1, "counted in memory");
        const waitedMs = performance.now() - startedAt;
        assert.ok(
          // Timers may fire a millisecond early by performance.now().
          waitedMs >= REDIS_COUNT_TIMEOUT_MS - 5 && waitedMs < REDIS_COUNT_TIMEOUT_MS + 500,
          `${waitedMs} ms`,
        );
        assert.ok(
          outage.until - Date.now() > REDIS_RETRY_AFTER_MS - 1_000,
          "Redis is left alone for a while",
        );
        startedAt = performance.now();
        assert.equal((await store.increment(key)).totalHits, 2, "in memory, without asking Redis");
        assert.ok(performance.now() - startedAt < REDIS_COUNT_TIMEOUT_MS);

        proxy.restore();
        outage.until = 0;
        const again = await store.increment(key);
        assert.equal(again.totalHits, await inRedis(), "counted in Redis");
      } finally {
        proxy.restore();
        redis.disconnect();
        await direct.quit();
        await proxy.close();
      }
    });
  });
});
