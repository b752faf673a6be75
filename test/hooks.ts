/**
 * Root hooks: one fresh, migrated PostgreSQL database for the whole run, dropped at the end; the
 * test Redis database flushed before the run. Under `npm test` (mocha --parallel --jobs 2: the
 * suite mostly waits on countdowns and timeouts, so two files at once halve it) they run around
 * each file instead: a database per file, and each worker flushes its own Redis database
 * (test/support/services.ts).
 */
import { Redis } from "ioredis";
import { applyMigrations } from "../src/db/migrations.ts";
import { reportOpenPages } from "./support/chromium.ts";
import { createScratchDatabase, TEST_REDIS_URL } from "./support/services.ts";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    scratch = await createScratchDatabase("typephoon_test");
    await applyMigrations(scratch.url);
    const redis = new Redis(TEST_REDIS_URL);
    await redis.flushdb();
    await redis.quit();
  },
  /** A failed browser test tells what its pages saw. */
  async afterEach(this: Mocha.Context) {
    const test = this.currentTest;
    if (test?.state === "failed") await reportOpenPages(test.fullTitle());
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await scratch?.drop();
  },
};

/** The run's database (created in beforeAll). */
export function testDatabaseUrl(): string {
  if (!scratch) throw new Error("the root hooks have not created the test database");
  return scratch.url;
}
