/**
 * The servers under test, each a process of its own (its CPU time and memory are read from /proc):
 * Typephoon itself (src/serverProcess.ts: exactly as `npm start` runs it, configured through its
 * environment), the two race baselines of bench/baselines/ and the API bench's HTTP floors.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "../src/freePort.ts";
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from "../src/serverProcess.ts";
import type { Endpoint } from "./loadgen/connectors/seat.ts";
import type { HttpFloor, SystemName } from "./systems.ts";

export const REPOSITORY_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface ServerUnderTest {
  system: SystemName;
  /** one per process */
  endpoints: Endpoint[];
  pids: number[];
  /** Typephoon's /metrics (Prometheus text) of process i */
  metricsUrls: string[];
  stop(): Promise<void>;
}

interface Spawned {
  child: ChildProcess;
  output(): string;
}

function spawnNode(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Spawned {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { child, output: () => output };
}

async function stopProcess({ child }: Spawned, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, spawned: Spawned, ready: () => Promise<boolean>, timeoutMs = 60_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (spawned.child.exitCode !== null) throw new Error(`${what} exited early:\n${spawned.output()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms:\n${spawned.output()}`);
}

/** A throwaway PostgreSQL database on the local server (trust auth), dropped by `drop()`. */
export async function scratchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * The V8 flags a Typephoon server runs with: those it ships with (src/serverProcess.ts), none (V8's
 * defaults), the leaner pair it shipped with until 2026-12-07, or one shipped flag alone, named by
 * its option (e.g. "max-semi-space-size"), so that one run can weigh what the flags trade (issue 28:
 * memory against CPU and latency).
 */
export const SERVER_FLAG_SETS: Record<string, string[]> = {
  default: SERVER_NODE_FLAGS,
  none: [],
  "lean-memory": ["--max-semi-space-size=8", "--heap-growing-percent=20"],
  ...Object.fromEntries(SERVER_NODE_FLAGS.map((flag) => [flag.replace(/^--/, "").split("=")[0]!, [flag]])),
};

/** `--server-flags`'s comma-separated list, each a name of SERVER_FLAG_SETS. */
export function serverFlagSets(value: string): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!Object.hasOwn(SERVER_FLAG_SETS, name))
      throw new Error(
        `--server-flags: expected some of ${Object.keys(SERVER_FLAG_SETS).join(", ")} (got ${name})`,
      );
  }
  if (names.length === 0) throw new Error("--server-flags: name at least one set");
  return names;
}

export interface TypephoonOptions {
  databaseUrl: string;
  /** the V8 flags of every server process, a name of SERVER_FLAG_SETS (default: those it ships with) */
  serverFlags?: string;
  processes?: number;
  /** required with processes > 1: they share matchmaking through it */
  redisUrl?: string;
  /** extra node flags for every server process, e.g. --cpu-prof */
  nodeArgs?: string[];
  /** environment over the bench defaults */
  env?: Record<string, string>;
  /** caps every process at this share of a core (cgroup v1 CPU quota); uncapped when absent */
  cores?: number;
}

/** The bench's Typephoon configuration: about the race, not the API's rate limits nor connection caps. */
export const TYPEPHOON_BENCH_ENV = {
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  JWT_SECRET: "bench-secret-bench-secret-bench-secret-bench",
  AUTH_RATE_LIMIT_PER_MINUTE: "0",
  API_RATE_LIMIT_PER_MINUTE: "0",
  USER_RATE_LIMIT_PER_MINUTE: "0",
  // Every simulated player connects from this one machine.
  MAX_CONNECTIONS_PER_IP: "0",
  LOBBY_MAX_PLAYERS: "5",
  // Lobbies fill to 5 in well under this; it only bounds the wait for a straggler lobby.
  LOBBY_COUNTDOWN_MS: "5000",
  RACE_START_COUNTDOWN_MS: "1000",
  // Nobody finishes: 500 words take a person ~5 minutes, and the bench typist never types the last one.
  RACE_WORDS: "500",
  RACE_TIME_LIMIT_MS: "3600000",
  RECONNECT_GRACE_S: "5",
  SHUTDOWN_TIMEOUT_MS: "10000",
};

export async function startTypephoon(options: TypephoonOptions): Promise<ServerUnderTest> {
  const processes = options.processes ?? 1;
  const serverFlags = SERVER_FLAG_SETS[options.serverFlags ?? "default"];
  if (!serverFlags) throw new Error(`no V8 flag set named ${options.serverFlags}`);
  if (processes > 1 && !options.redisUrl) throw new Error("several Typephoon processes need a Redis URL");
  const dataDir = await mkdtemp(path.join(tmpdir(), "typephoon-bench-"));
  const started: Array<Spawned & { port: number; metricsPort: number }> = [];
  const caps: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    await Promise.all(started.map((spawned) => stopProcess(spawned)));
    await Promise.all(caps.map((release) => release()));
  };
  try {
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      const metricsPort = await freePort();
      const env: Record<string, string> = {
        ...TYPEPHOON_BENCH_ENV,
        PORT: String(port),
        HOST: "127.0.0.1",
        METRICS_PORT: String(metricsPort),
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: dataDir,
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl, PUBLIC_ADDRESS: "127.0.0.1:{port}" } : {}),
        ...options.env,
      };
      const spawned = {
        ...spawnNode([SERVER_ENTRY], env, [...serverFlags, ...(options.nodeArgs ?? [])]),
        port,
        metricsPort,
      };
      started.push(spawned);
      if (options.cores !== undefined) caps.push(await capCpu(spawned.child.pid!, options.cores));
      // One at a time: they would otherwise race to apply the migrations of a fresh database.
      await waitFor("typephoon", spawned, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    system: "typephoon",
    endpoints: started.map(({ port }) => ({
      http: `http://127.0.0.1:${port}`,
      ws: `ws://127.0.0.1:${port}`,
    })),
    pids: started.map(({ child }) => child.pid!),
    metricsUrls: started.map(({ metricsPort }) => `http://127.0.0.1:${metricsPort}/metrics`),
    stop: async () => {
      await stopAll();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const CPU_CGROUPS = "/sys/fs/cgroup/cpu";
/** Short periods: a process that spends its quota early waits at most the rest of one period. */
const CPU_PERIOD_US = 10_000;

/**
 * Moves process `pid` (all its threads) into a cgroup of its own that may use `cores` of a core,
 * so that processes under test get the same CPU whatever else shares the machine. Returns the
 * cleanup, to run once the process has exited.
 */
async function capCpu(pid: number, cores: number): Promise<() => Promise<void>> {
  const group = path.join(CPU_CGROUPS, `typephoon-bench-${pid}`);
  try {
    await mkdir(group);
  } catch (error) {
    throw new Error(
      `capping a server's CPU needs the cgroup v1 CPU controller at ${CPU_CGROUPS}, writable (root): ${(error as Error).message}`,
    );
  }
  await writeFile(path.join(group, "cpu.cfs_period_us"), String(CPU_PERIOD_US));
  await writeFile(path.join(group, "cpu.cfs_quota_us"), String(Math.round(cores * CPU_PERIOD_US)));
  await writeFile(path.join(group, "cgroup.procs"), String(pid));
  return () => rmdir(group).catch(() => {});
}

/** A baseline server: prints "listening <port>" when ready. */
export async function startBaseline(
  system: "bare" | "naive",
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerUnderTest> {
  const script = system === "bare" ? "bench/baselines/bareColyseus.ts" : "bench/baselines/naiveWs.ts";
  const port = await freePort();
  const spawned = spawnNode([script], { ...env, PORT: String(port), NODE_ENV: "production" }, nodeArgs);
  await waitFor(system, spawned, async () => spawned.output().includes("listening"));
  return {
    system,
    endpoints: [{ http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` }],
    pids: [spawned.child.pid!],
    metricsUrls: [],
    stop: () => stopProcess(spawned),
  };
}

/** An HTTP floor of the API bench (bench/baselines/bareHttp.ts). */
export async function startHttpFloor(
  framework: HttpFloor,
): Promise<{ origin: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const spawned = spawnNode(["bench/baselines/bareHttp.ts"], {
    FRAMEWORK: framework,
    PORT: String(port),
    NODE_ENV: "production",
  });
  await waitFor(`${framework} floor`, spawned, async () => spawned.output().includes("listening"));
  return { origin: `http://127.0.0.1:${port}`, pid: spawned.child.pid!, stop: () => stopProcess(spawned) };
}
