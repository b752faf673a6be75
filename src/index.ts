/**
 * `npm start`: one Typephoon process configured from the environment (see src/config.ts).
 * SIGTERM/SIGINT stop it cleanly: lobbies send their players elsewhere at once, running races finish
 * (within SHUTDOWN_TIMEOUT_MS), every result is written; a second signal forces the exit.
 */
import { ensureWebClient } from "../web/build.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { EmbeddedPostgresError } from "./db/embeddedPostgres.ts";
import { MigrationError } from "./db/migrations.ts";
import { createLogger } from "./log.ts";
import { startServer } from "./server.ts";

const config = await loadConfig().catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration: ${error.message}`);
  process.exit(2);
});
const log = createLogger(config.logLevel);

// `npm start` builds the web client the first time (`npm run build:web` rebuilds it); without it the
// API and the rooms still run.
await ensureWebClient(log).catch((error: unknown) =>
  log.error({ err: error }, "could not build the web client"),
);

const server = await startServer(config, log).catch((error: unknown) => {
  const expected = error instanceof EmbeddedPostgresError || error instanceof MigrationError;
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    log.fatal(
      `could not start: ${config.host}:${config.port} is in use (another process listens there; set PORT)`,
    );
  } else log.fatal(expected ? (error as Error).message : { err: error }, "could not start");
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) {
    log.warn({ signal }, "second signal: exiting now");
    process.exit(1);
  }
  stopping = true;
  log.info({ signal }, "shutting down");
  const deadline = setTimeout(() => {
    log.error(`shutdown took longer than SHUTDOWN_TIMEOUT_MS (${config.shutdownTimeoutMs} ms): exiting now`);
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  await server.stop();
  log.info("stopped");
  process.exit(0);
}

// A library's stray rejection (say, a Redis command during an outage) must not end the races of
// everyone on this process: log it loudly instead.
process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled promise rejection"));

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
