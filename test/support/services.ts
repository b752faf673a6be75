/**
 * The real services the tests use: PostgreSQL (TEST_DATABASE_URL, default the local server with
 * trust auth) with one fresh database per test run, and Redis (TEST_REDIS_URL, default db 15 of the
 * local server, flushed). Never mocks.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

const env = process.env;
const TEST_DATABASE_ADMIN_URL = env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/**
 * Under `mocha --parallel --jobs 2` each worker takes a Redis database of its own: the one named,
 * and the one below it for the second worker (each worker flushes its own before every file).
 */
export const TEST_REDIS_URL = ownRedisDatabase(
  env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/15",
  env.MOCHA_WORKER_ID,
);

function ownRedisDatabase(url: string, workerId: string | undefined): string {
  if (workerId === undefined) return url;
  const parsed = new URL(url);
  const base = Number(parsed.pathname.slice(1) || 0);
  parsed.pathname = `/${(base + 16 - (Number(workerId) % 2)) % 16}`;
  return parsed.toString();
}
/** Log level of servers started by tests (TEST_LOG_LEVEL=debug to see them). */
export const TEST_LOG_LEVEL = (env.TEST_LOG_LEVEL ?? "silent") as "silent";

/** A URL to a database of the test server with another name. */
function databaseUrl(name: string, base = TEST_DATABASE_ADMIN_URL): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const drop = async () => {
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  return {
    url: databaseUrl(name),
    drop,
  };
}
