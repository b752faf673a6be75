/**
 * Starts and stops one Typephoon process: database (embedded when DATABASE_URL is unset),
 * migrations, Redis (when REDIS_URL is set), the Colyseus game server and its HTTP API.
 * src/index.ts calls this with the environment's config; the tests call it with their own.
 */
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import type { ReadinessSources } from "./api/healthRoutes.ts";
import { createGameServer, type GameServer, listen } from "./app.config.ts";
import { createTokenService } from "./auth/tokens.ts";
import { createRedisPresence, presenceProbe } from "./colyseus/redisPresence.ts";
import { RoomNameIndexedDriver } from "./colyseus/roomNameIndexedDriver.ts";
import { startStaleProcessSweeper } from "./colyseus/staleProcessSweeper.ts";
import type { Config } from "./config.ts";
import { userStandingCheck } from "./db/accounts.ts";
import { createDatabase } from "./db/database.ts";
import { provideDatabaseServer } from "./db/databaseServer.ts";
import { durableRaceStore } from "./db/durableRaceStore.ts";
import { findGhostRun } from "./db/games.ts";
import { openJournal } from "./db/journal.ts";
import { applyMigrations } from "./db/migrations.ts";
import { raceStore } from "./db/races.ts";
import type { Logger } from "./log.ts";
import { createMetrics, serveMetrics, timedRaceStore } from "./metrics.ts";
import { RoomName } from "./protocol.ts";
import { raceSweepSources, startAbandonedRaceSweeper } from "./rooms/abandonedRaces.ts";

/**
 * Connections the kernel queues for this process to accept. A lobby join takes two (the
 * matchmaking request and the room's WebSocket) and a race seat one more; with Node's default
 * of 511, a burst of a thousand joins within a second overflowed it, and each dropped connection
 * waited a second or more for its SYN to be retried (some joins of the burst then failed). Linux
 * caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

export interface RunningServer {
  port: number;
  /** Base URL for HTTP (`http://127.0.0.1:<port>`); the WebSocket endpoint is the same with ws:. */
  url: string;
  gameServer: GameServer;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: Error) => log.error({ err: error }, "shutdown step failed"));
    }
  };

  try {
    const databaseServer = await provideDatabaseServer(config, log);
    cleanups.push(() => databaseServer.stop());

    const applied = await applyMigrations(databaseServer.url);
    if (applied.length) log.info({ migrations: applied }, "applied database migrations");

    const db = createDatabase(databaseServer.url, { log: log.child({ component: "db" }) });
    cleanups.push(db.close);

    const checks: ReadinessSources["checks"] = {
      // Shutting down: not ready, so that new players are sent to the other processes.
      process: async () => {
        if (stopping) throw new Error("shutting down");
      },
      postgres: async () => {
        await db.sql.$queryRaw`SELECT 1`;
      },
    };

    const metrics = createMetrics();
    let matchmaking = {};
    let redis: Redis | undefined;
    if (config.redisUrl) {
      const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
      redis = client;
      client.on("error", (error) => {
        metrics.redisError();
        log.warn({ err: error }, "redis connection error");
      });
      await client.connect();
      cleanups.push(() => client.quit());
      checks.redis = async () => {
        await client.ping();
      };
      const presence = createRedisPresence(config.redisUrl);
      // The driver's own connection, with its errors logged (ioredis prints unhandled ones to stderr).
      const driverClient = new Redis(config.redisUrl);
      driverClient.on("error", (error) => {
        metrics.redisError();
        log.warn({ err: error }, "redis connection error (matchmaking)");
      });
      // Matchmaking's own connections, each of which can fail alone: the driver's, and presence's
      // publisher and subscriber (a message through both comes back).
      const presenceAnswers = await presenceProbe(presence);
      checks.matchmaking = async () => {
        await Promise.all([driverClient.ping(), presenceAnswers()]);
      };
      matchmaking = {
        presence,
        driver: new RoomNameIndexedDriver(driverClient, [RoomName.LOBBY, RoomName.RACE]),
      };
    }

    // On this process's disk whatever else is down, Redis included.
    const journal = await openJournal(path.join(config.dataDir, "journal"), config.port);
    const races = durableRaceStore({
      store: timedRaceStore(raceStore(db), metrics),
      journal,
      databaseIsUp: () =>
        checks.postgres!().then(
          () => true,
          () => false,
        ),
      log: log.child({ component: "journal" }),
      events: {
        failed: metrics.databaseError,
        retried: metrics.raceWriteRetried,
        discarded: metrics.raceWriteDiscarded,
      },
    });
    // Stopped after the rooms, so that every result of a race that ran to its end is written (or
    // kept in the journal for the next run) first.
    cleanups.push(async () => {
      await races.flush();
      await races.stop();
    });
    metrics.watchRaceWrites(races.waiting);
    const degraded = async () => {
      const waiting = races.waiting();
      return waiting ? [`${waiting} race writes wait in the journal (${journal.name}) for PostgreSQL`] : [];
    };

    const tokens = createTokenService(config.jwtSecret, {
      standingOf: userStandingCheck(db),
    });
    const gameServer = createGameServer({
      ...matchmaking,
      log,
      rooms: {
        timings: config.game,
        skillWindows: config.skillWindows,
        tokens,
        races,
        findGhostRun: (gameId, userId) => findGhostRun(db, gameId, userId),
        log,
        metrics,
        random: Math.random,
      },
      publicAddress: config.publicAddress,
      maxConnectionsPerIp: config.trustProxy === false ? config.maxConnectionsPerIp : 0,
      api: {
        db,
        tokens,
        log,
        readiness: { checks, degraded },
        metrics: config.metricsPort === undefined ? metrics.registry : undefined,
        redis,
        monitorPassword: config.monitorPassword,
        trustProxy: config.trustProxy,
        raceWords: config.game.raceWords,
        skillWindows: config.skillWindows,
        apiRateLimitPerMinute: config.apiRateLimitPerMinute,
        auth: {
          publicUrl: config.publicUrl,
          webAppUrl: config.webAppUrl,
          corsOrigins: config.corsOrigins,
          rateLimitPerMinute: config.authRateLimitPerMinute,
          accessTokenTtlS: config.accessTokenTtlS,
          providers: config.identityProviders,
          secret: config.jwtSecret,
        },
      },
    });
    // Rooms are locked and disposed first; the database and Redis close after them.
    cleanups.push(() => gameServer.gracefullyShutdown(false));

    await listen(gameServer, config.port, config.host, LISTEN_BACKLOG);
    if (config.metricsPort !== undefined) {
      const metricsServer = await serveMetrics(metrics.registry, config.metricsPort, config.host);
      cleanups.push(() => new Promise((resolve) => metricsServer.close(resolve)));
    }
    if (redis) {
      const stopSweeping = startStaleProcessSweeper(log.child({ component: "matchmaking" }));
      cleanups.push(async () => stopSweeping());
    }
    // Stopped first on shutdown: a shutting-down process's races still run to their end.
    const stopClosingRaces = startAbandonedRaceSweeper(raceSweepSources(db), {
      graceMs: config.game.reconnectGraceS * 1000,
      log: log.child({ component: "races" }),
    });
    cleanups.push(stopClosingRaces);
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
