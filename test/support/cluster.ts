import { Client } from "@colyseus/sdk";
import { testDatabaseUrl } from "../hooks.ts";
import { Player } from "./players.ts";
import {
  freePort,
  reachableTempDir,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "./processes.ts";
import { TEST_REDIS_URL } from "./services.ts";

/** Environment of one process of a test cluster: shared PostgreSQL and Redis, its own address. */
export async function clusterEnv(port: number, extra: Record<string, string> = {}) {
  return {
    PORT: String(port),
    PUBLIC_ADDRESS: "127.0.0.1:{port}",
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: TEST_REDIS_URL,
    DATA_DIR: await reachableTempDir("typephoon-cluster-"),
    JWT_SECRET: "cluster-secret-cluster-secret-cluster-secret",
    MONITOR_PASSWORD: "monitor-secret",
    LOBBY_COUNTDOWN_MS: "2000",
    RACE_START_COUNTDOWN_MS: "300",
    RACE_WORDS: "3",
    RECONNECT_GRACE_S: "3",
    // Every test client comes from 127.0.0.1, and the processes share the counters through Redis.
    AUTH_RATE_LIMIT_PER_MINUTE: "0",
    API_RATE_LIMIT_PER_MINUTE: "0",
    USER_RATE_LIMIT_PER_MINUTE: "0",
    ...extra,
  };
}

/** A player whose SDK talks to one given process (as a load balancer would have sent it). */
export async function playerVia(server: ServerProcess, signInAt: string, name: string): Promise<Player> {
  const player = await Player.signIn(signInAt, name);
  (player as { sdk: Client }).sdk = new Client(server.url.replace("http", "ws"));
  player.sdk.auth.token = player.accessToken;
  return player;
}

/**
 * Two processes of a test cluster (`clusterEnv` with `extra`) for the describe block that calls
 * this, through its hooks: both ready before its tests; after them, the players it lists leave and
 * both stop.
 */
export function twoProcesses(extra: Record<string, string> = {}): {
  servers: ServerProcess[];
  players: Player[];
} {
  const servers: ServerProcess[] = [];
  const players: Player[] = [];
  before(async () => {
    for (let i = 0; i < 2; i++) servers.push(await spawnServer(await clusterEnv(await freePort(), extra)));
    await Promise.all(servers.map((server) => waitUntilReady(server)));
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await Promise.all(servers.map((server) => terminate(server)));
  });
  return { servers, players };
}
