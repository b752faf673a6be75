/**
 * `npm start`: one Typephoon process configured from the environment (see src/config.ts).
 * SIGTERM/SIGINT stop it cleanly within SHUTDOWN_DEADLINE_MS; a second signal forces the exit.
 */
import { ConfigError, loadConfig } from "./config.ts";
import { EmbeddedPostgresError } from "./db/embeddedPostgres.ts";
import { MigrationError } from "./db/migrations.ts";
import { createLogger } from "./log.ts";
import { SHUTDOWN_DEADLINE_MS, startServer } from "./server.ts";

const config = await loadConfig().catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration: ${error.message}`);
  process.exit(2);
});
const log = createLogger(config.logLevel);

const server = await startServer(config, log).catch((error: unknown) => {
  const expected = error instanceof EmbeddedPostgresError || error instanceof MigrationError;
  log.fatal(expected ? (error as Error).message : { err: error }, "could not start");
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
    log.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms: exiting now`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await server.stop();
  log.info("stopped");
  process.exit(0);
}

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
