import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { matchMaker } from "@colyseus/core";
import { type Config, parseSettings, resolveSecrets } from "../../src/config.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { TEST_LOG_LEVEL } from "./services.ts";

export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

async function testConfig(env: Record<string, string | undefined> = {}): Promise<Config> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "typephoon-test-"));
  return resolveSecrets(
    parseSettings({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: testDatabaseUrl(),
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: TEST_LOG_LEVEL,
      // Test players sign in far faster than people do; test/api/rateLimit.test.ts sets its own.
      AUTH_RATE_LIMIT_PER_MINUTE: "0",
      API_RATE_LIMIT_PER_MINUTE: "0",
      USER_RATE_LIMIT_PER_MINUTE: "0",
      ...env,
    }),
  );
}

export interface TestServer extends RunningServer {
  config: Config;
}

/** A real Typephoon process in this test process (the same code path as `npm start`). */
export async function startTestServer(
  env: Record<string, string | undefined> = {},
  log?: Logger,
): Promise<TestServer> {
  const config = await testConfig(env);
  const server = await startServer(config, log ?? createLogger(config.logLevel));
  // Which test file started it: under mocha --parallel, output from files running at once interleaves.
  const startedBy = new Error().stack?.split("\n").find((line) => /\/test\/(?!support\/)/.test(line));
  return { ...server, config, stop: () => stopSayingWhy(server, startedBy?.trim() ?? "a test") };
}

/**
 * A stopping process waits for its races to end (a dropped player's seat is kept for the reconnect
 * grace): a stop that takes long prints the rooms it waits for, so a hook that times out says why.
 */
async function stopSayingWhy(server: RunningServer, startedBy: string) {
  const started = Date.now();
  const every = setInterval(async () => {
    const rooms = await matchMaker.query({}).catch(() => []);
    const waitingFor = rooms.map((room) => JSON.stringify(room)).join("; ") || "none";
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `      the test server (started ${startedBy}) has been stopping for ${seconds} s; its rooms: ${waitingFor}`,
    );
  }, 15_000);
  try {
    await server.stop();
  } finally {
    clearInterval(every);
  }
}
