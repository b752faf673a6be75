import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis } from "ioredis";
import { createRedisPresence, presenceProbe } from "../../src/colyseus/redisPresence.ts";
import { eventually } from "../support/players.ts";
import { TEST_REDIS_URL } from "../support/services.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy.ts";

/**
 * Reconnect attempts come fast and every second one gives up on the commands waiting: what a
 * default client goes through over ~12 s of resets, within a second.
 */
const FAST_RETRIES = { maxRetriesPerRequest: 1, retryStrategy: () => 20 };

describe("the Redis presence's subscriber, when Redis accepts connections and resets them", function () {
  this.timeout(20_000);
  let proxy: TcpProxy;
  let url: string;
  beforeEach(async () => {
    proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
    const proxied = new URL(TEST_REDIS_URL);
    proxied.port = String(proxy.port);
    url = proxied.toString();
  });
  afterEach(async () => {
    await proxy.close();
  });

  /** Whether a message published after the resets reaches the presence's subscription. */
  async function hearsAfterResets(presence: RedisPresence): Promise<boolean> {
    const heard: unknown[] = [];
    await presence.subscribe("typephoon:test:resets", (message: unknown) => heard.push(message));
    proxy.reset();
    await sleep(1_000);
    proxy.restore();
    const publisher = new Redis(TEST_REDIS_URL);
    try {
      const deadline = Date.now() + 3_000;
      while (heard.length === 0 && Date.now() < deadline) {
        await publisher.publish("typephoon:test:resets", JSON.stringify("hello"));
        await sleep(100);
      }
    } finally {
      publisher.disconnect();
    }
    return heard.length > 0;
  }

  it("upstream: is left 'ready' on a dead socket and never subscribes again (redis/ioredis#2099)", async () => {
    // Fails once an upgrade fixes this: src/colyseus/redisPresence.ts may then go.
    const upstream = new RedisPresence(new Redis(url, FAST_RETRIES));
    try {
      assert.equal(await hearsAfterResets(upstream), false, "the subscriber came back by itself");
      const subscriber = (upstream as unknown as { sub: Redis }).sub;
      assert.equal(subscriber.status, "ready");
      assert.equal(subscriber.stream.destroyed, true);
    } finally {
      upstream.shutdown();
    }
  });

  it("ours: comes back by itself, and its probe tells the truth meanwhile", async () => {
    const presence = createRedisPresence(url, FAST_RETRIES);
    try {
      const probe = await presenceProbe(presence);
      await probe();
      proxy.reset();
      await assert.rejects(probe(), /did not come back/);
      await sleep(1_000);
      proxy.restore();
      await eventually(
        "the probe answered",
        () =>
          probe().then(
            () => true,
            () => false,
          ),
        5_000,
      );
      assert.equal(await hearsAfterResets(presence), true);
    } finally {
      presence.shutdown();
    }
  });
});
