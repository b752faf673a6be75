import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { SERVER_NODE_FLAGS } from "../src/serverProcess.ts";
import { testDatabaseUrl } from "./hooks.ts";
import { call, dataOf, signInGuest } from "./support/http.ts";
import { reachableTempDir, spawnServer, terminate, waitUntilReady } from "./support/processes.ts";

describe("the server process (npm start)", function () {
  this.timeout(90_000);

  it("npm start and the PM2 file run Node with the server's flags", async () => {
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    assert.equal(manifest.scripts.start, ["node", ...SERVER_NODE_FLAGS, "src/index.ts"].join(" "));
    const pm2 = createRequire(import.meta.url)("../ecosystem.config.cjs") as {
      apps: Array<{ node_args: string }>;
    };
    assert.equal(pm2.apps[0]!.node_args, SERVER_NODE_FLAGS.join(" "));
  });

  it("with no configuration at all: embedded PostgreSQL, ready within 30 s, guests survive a restart", async () => {
    const dataDir = await reachableTempDir("typephoon-embedded-");
    const first = await spawnServer({ DATA_DIR: dataDir });
    await waitUntilReady(first, 30_000);
    const guest = await signInGuest(first.url, "Persistent Pat");
    const stopped = await terminate(first);
    assert.equal(stopped.code, 0, first.output());
    assert.ok(stopped.ms < 10_000, `stopped in ${stopped.ms} ms`);

    const second = await spawnServer({ DATA_DIR: dataDir });
    try {
      await waitUntilReady(second, 30_000);
      const me = await call(second.url, "/api/v1/auth/me", { token: guest.accessToken });
      assert.deepEqual(dataOf(me), { user: guest.user });
    } finally {
      assert.equal((await terminate(second)).code, 0, second.output());
    }
  });

  it("recovers the embedded PostgreSQL of a process that was killed", async () => {
    const dataDir = await reachableTempDir("typephoon-embedded-");
    const killed = await spawnServer({ DATA_DIR: dataDir });
    await waitUntilReady(killed);
    await terminate(killed, "SIGKILL");
    const next = await spawnServer({ DATA_DIR: dataDir });
    try {
      await waitUntilReady(next);
    } finally {
      assert.equal((await terminate(next)).code, 0, next.output());
    }
  });

  it("stops cleanly on SIGINT as well", async () => {
    const server = await spawnServer({
      DATABASE_URL: testDatabaseUrl(),
      DATA_DIR: await reachableTempDir("tp-"),
    });
    await waitUntilReady(server);
    const stopped = await terminate(server, "SIGINT");
    assert.equal(stopped.code, 0, server.output());
  });

  it("refuses a bad setting with one clear line naming the variable", async () => {
    const server = await spawnServer({ PORT: "2567", RACE_WORDS: "many" });
    assert.equal(await server.exited, 2);
    assert.equal(
      server.output().trim(),
      'Invalid configuration: RACE_WORDS: expected an integer between 1 and 500 (got "many")',
    );
  });

  it("exits non-zero with one clear line when its port is in use, rather than serving nothing", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const server = await spawnServer({
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: testDatabaseUrl(),
        DATA_DIR: await reachableTempDir("tp-"),
      });
      const code = await Promise.race([server.exited, sleep(20_000).then(() => "still running")]);
      if (code === "still running") server.child.kill("SIGKILL");
      assert.equal(code, 1, server.output());
      assert.match(server.output(), new RegExp(`could not start: 127\\.0\\.0\\.1:${port} is in use`));
    } finally {
      squatter.close();
    }
  });

  it("refuses to start with Redis but without JWT_SECRET, which every process must share", async () => {
    const server = await spawnServer({
      REDIS_URL: "redis://127.0.0.1:6379/15",
      DATABASE_URL: testDatabaseUrl(),
    });
    assert.equal(await server.exited, 2);
    assert.match(server.output(), /^Invalid configuration: JWT_SECRET: required when REDIS_URL is set/);
  });

  it("refuses to start in production without JWT_SECRET", async () => {
    const server = await spawnServer({ NODE_ENV: "production", DATABASE_URL: testDatabaseUrl() });
    assert.equal(await server.exited, 2);
    assert.equal(
      server.output().trim(),
      "Invalid configuration: JWT_SECRET: required when NODE_ENV=production",
    );
  });
});
