/**
 * Colyseus's Redis presence (the channels the processes talk over: remote room calls, seat
 * reservations in rooms of another process), with a subscriber that comes back after Redis fails it.
 *
 * Upstream: @colyseus/redis-presence opens its subscriber with `enableReadyCheck: false`. On that
 * path ioredis (5.11) marks a connection ready once its handshake commands (CLIENT SETINFO) settle,
 * without checking that the connection is still the current one (redis/ioredis#2099). Against a
 * Redis that accepts connections and resets them, an old handshake settles (its commands flushed
 * after `maxRetriesPerRequest` retries) while a reconnect is pending: the subscriber says "ready"
 * on a dead socket, refuses the pending reconnect, and every subscription waits forever, so joins
 * across processes hang until a restart. Without handshake commands a connection is marked ready
 * in the very turn it connects, before any reset can reach it. test/colyseus/redisPresence.test.ts
 * fails once an upgrade fixes this, or changes it.
 */
import { randomUUID } from "node:crypto";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis, type RedisOptions } from "ioredis";
import { withTimeout } from "../deadline.ts";

/** `options`: ioredis's, for both connections (the tests' faster retries). */
export function createRedisPresence(url: string, options: RedisOptions = {}): RedisPresence {
  // The subscriber is a duplicate of this connection: it inherits the option.
  const presence = new RedisPresence(new Redis(url, { ...options, disableClientInfo: true }));
  // Every concurrent joinOrCreate waits on one subscription per room name: a burst of joins is
  // not a listener leak.
  presence.setMaxListeners(0);
  return presence;
}

/** Within a readiness check's time (src/api/healthRoutes.ts), so that its own reason shows. */
const PROBE_TIMEOUT_MS = 1_500;

/**
 * A readiness check of the presence as the processes use it: a message published on a channel of
 * this process's own comes back on its subscription. A ping would pass with the subscriber dead.
 * Subscribes first (the presence subscribes again after each reconnect).
 */
export async function presenceProbe(presence: RedisPresence): Promise<() => Promise<void>> {
  const channel = `typephoon:presence-probe:${randomUUID()}`;
  const waiting = new Map<string, () => void>();
  await presence.subscribe(channel, (nonce: string) => waiting.get(nonce)?.());
  return async () => {
    const nonce = randomUUID();
    const echoed = new Promise<void>((resolve) => waiting.set(nonce, resolve));
    try {
      await withTimeout(
        presence.publish(channel, nonce).then(() => echoed),
        PROBE_TIMEOUT_MS,
      ).catch((error: Error) => {
        throw new Error(`a message through Redis did not come back: ${error.message}`);
      });
    } finally {
      waiting.delete(nonce);
    }
  };
}
