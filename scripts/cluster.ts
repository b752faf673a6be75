/**
 * `npm run cluster -- [--processes N]`: N Typephoon processes on consecutive ports from PORT (default
 * 2567), sharing matchmaking through Redis (REDIS_URL is required) and one PostgreSQL (DATABASE_URL,
 * or one embedded PostgreSQL started here for all of them). Each process advertises its own
 * PUBLIC_ADDRESS (default `localhost:{port}`). SIGTERM/SIGINT stop them all gracefully.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { ConfigError, environment, parseSettings, storedSecret } from "../src/config.ts";
import { provideDatabaseServer } from "../src/db/databaseServer.ts";
import { createLogger } from "../src/log.ts";
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from "../src/serverProcess.ts";

const { values } = parseArgs({ options: { processes: { type: "string", short: "n", default: "2" } } });
const count = Number(values.processes);
const env = environment();
const settings = (() => {
  try {
    const parsed = parseSettings(env);
    if (!parsed.redisUrl)
      throw new ConfigError("REDIS_URL: required: several processes share matchmaking through Redis");
    if (!Number.isInteger(count) || count < 1 || count > 64)
      throw new ConfigError("--processes: expected 1 to 64");
    return parsed;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(2);
  }
})();
const log = createLogger(settings.logLevel).child({ component: "cluster" });

const database = await provideDatabaseServer(settings, log);
// Every process must sign and verify tokens with one secret: given, or generated once here.
const jwtSecret = settings.jwtSecret ?? (await storedSecret(settings.dataDir, "jwt-secret", 48));
const basePort = settings.port || 2567;
const children: ChildProcess[] = [];
for (let i = 0; i < count; i++) {
  const port = basePort + i;
  children.push(
    spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_ENTRY], {
      stdio: "inherit",
      env: {
        ...env,
        PORT: String(port),
        PUBLIC_ADDRESS: env.PUBLIC_ADDRESS || "localhost:{port}",
        DATABASE_URL: database.url,
        JWT_SECRET: jwtSecret,
      },
    }),
  );
  log.info({ port }, `process ${i + 1} of ${count} started`);
}

let stopping = false;
async function stopAll(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping every process");
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      child.kill(signal);
      await once(child, "exit");
    }),
  );
  await database.stop();
  process.exit(0);
}
process.on("SIGTERM", stopAll);
process.on("SIGINT", stopAll);
for (const child of children) {
  child.on("exit", (code) => {
    if (!stopping) log.error({ pid: child.pid, code }, "a process exited; the others keep serving");
  });
}
