/**
 * Starts and stops one Typephoon process: database (embedded when DATABASE_URL is unset),
 * migrations, Redis (when REDIS_URL is set), the Colyseus game server and its HTTP API.
 * src/index.ts calls this with the environment's config; the tests call it with their own.
 */
import type { AddressInfo } from "node:net";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis } from "ioredis";
import { createGameServer } from "./app.config.ts";
import { createTokenService } from "./auth/tokens.ts";
import type { Config } from "./config.ts";
import { provideDatabaseServer } from "./db/databaseServer.ts";
import { applyMigrations } from "./db/migrations.ts";
import { createDatabase } from "./db/prisma.ts";
import { raceStore } from "./db/races.ts";
import type { Logger } from "./log.ts";

export const SHUTDOWN_DEADLINE_MS = 10_000;

export interface RunningServer {
  port: number;
  /** Base URL for HTTP (`http://127.0.0.1:<port>`); the WebSocket endpoint is the same with ws:. */
  url: string;
  gameServer: ReturnType<typeof createGameServer>;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: Error) => log.error({ err: error }, "shutdown step failed"));
    }
  };

  try {
    const databaseServer = await provideDatabaseServer(config, log);
    cleanups.push(() => databaseServer.stop());

    const applied = await applyMigrations(databaseServer.url);
    if (applied.length) log.info({ migrations: applied }, "applied database migrations");

    const db = createDatabase(databaseServer.url);
    cleanups.push(() => db.$disconnect());

    const readiness: Record<string, () => Promise<void>> = {
      postgres: async () => {
        await db.$queryRaw`SELECT 1`;
      },
    };

    let matchmaking = {};
    if (config.redisUrl) {
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
      redis.on("error", (error) => log.warn({ err: error }, "redis connection error"));
      await redis.connect();
      cleanups.push(() => redis.quit());
      readiness.redis = async () => {
        await redis.ping();
      };
      const presence = new RedisPresence(config.redisUrl);
      // Every concurrent joinOrCreate waits on one subscription per room name: a burst of joins is
      // not a listener leak.
      presence.setMaxListeners(0);
      matchmaking = { presence, driver: new RedisDriver(config.redisUrl) };
    }

    const tokens = createTokenService(config.jwtSecret);
    const gameServer = createGameServer({
      ...matchmaking,
      log,
      rooms: { timings: config.game, tokens, races: raceStore(db), log, random: Math.random },
      publicAddress: config.publicAddress,
      api: {
        db,
        tokens,
        log,
        readiness,
        monitorPassword: config.monitorPassword,
        trustProxy: config.trustProxy,
      },
    });
    // Rooms are locked and disposed first; the database and Redis close after them.
    cleanups.push(() => gameServer.gracefullyShutdown(false));

    await gameServer.listen(config.port, config.host);
    const port = (gameServer.transport.server!.address() as AddressInfo).port;
    log.info(
      { port, database: databaseServer.embedded ? "embedded" : "external", redis: !!config.redisUrl },
      "Typephoon is up",
    );

    return { port, url: `http://127.0.0.1:${port}`, gameServer, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
