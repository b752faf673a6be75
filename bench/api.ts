/**
 * The API benchmark (issue 8, part 4; issue 28, "API at a realistic load"): the profile reads
 * (statistics, graph of the last 1000 races, first history page) and the leaderboards, over a
 * seeded database, each run three ways:
 *
 *   - at a fixed offered rate (1,000 requests/s, open loop, bench/api/fixedRate.ts; autocannon's
 *     `overallRate` is a closed loop capped per second, see there) over HTTP to a Typephoon server
 *     (`node src/index.ts`, bench/servers.ts), its public routes `/api/v1/users/:id/…` and
 *     `/api/v1/leaderboards`;
 *   - at the same fixed rate, the src/db/ function the route calls over a plain node-postgres pool
 *     (`sqlOver`, src/db/database.ts: the SQL the server sends, without HTTP, routing or middleware
 *     around it), the baseline of the goal "≤ 1.5× plain pg". Both are timed from when each call
 *     was due, by the same generator, so the two p99s are the same figure. Each fixed-rate run has
 *     a generator process of its own, started afresh (api/freshGenerator.ts);
 *   - at saturation, autocannon's 100 keep-alive connections (closed loop) over HTTP, for the
 *     throughput per core: req/s ÷ the server's cores busy, against bare Express's `/healthz`.
 *
 * With --in-process-saturation also issue 8's closed-loop runs in this process at the same
 * concurrency: over Prisma's client (`db.prisma`, as the server ran these reads until 2026-11-29)
 * and over plain pg. The in-process pools have node-postgres's default 10 connections, as the
 * server's has.
 *
 * First the floors, at saturation and at the fixed rate: the body of `/healthz` from Node's bare
 * http server, from a bare Express 5 app (bench/baselines/bareHttp.ts) and from Typephoon's
 * `/healthz`, so that a read's latency can be set against how fast this machine answers at all.
 * Each read is measured for the player with the most races and spread over 1000 players, then
 * the daily board (a full day of the seed) and the all-time board, anonymous (a board every
 * anonymous caller shares, which the server keeps for a second), and the all-time board signed in
 * as each of the 1000 players in turn (read every time, with the caller's own place). Every run begins
 * with a warm-up on the same connections (bench/api/load.ts); the server's, PostgreSQL's and this
 * process's CPU over the measured part are read from /proc.
 *
 *   npm run bench:api                       seeds 10k users, 1M results (about a minute), 10 s per run
 *   npm run bench:api -- --quick            2.5 s per run after 0.5 s of warm-up (the seed as given)
 *   npm run bench:api -- --cpu-prof DIR     the Typephoon server under --cpu-prof, its profile in DIR
 *   npm run bench:api -- --server-flags none
 *                                           the Typephoon server without its V8 flags (V8's defaults;
 *                                           bench/servers.ts SERVER_FLAG_SETS), to weigh their trade
 *   npm run bench:api -- --keep-database    keeps the seeded database and prints how to reuse it
 *   npm run bench:api -- --database-url postgresql://postgres@127.0.0.1:5432/bench_…
 *                                           reuses a seeded database (never seeds nor drops it)
 *
 * Flags: --users N --results N --days N --seed N (the seed's), --duration S, --warmup S,
 * --connections N (saturation), --rate N (the fixed rate, per second), --sample-users N,
 * --in-process-saturation, --only a,b (reads and floors whose name holds one of these),
 * --explain (print each query's EXPLAIN ANALYZE; always in the JSON), --database-admin-url URL,
 * --no-gzip (ask without Accept-Encoding, as a client that takes no gzip: the server sends JSON).
 * Prints markdown tables and each goal PASS/MISS; writes bench/results/<time>-api.json.
 *
 * `npm run bench:api` gives this process and its generators a 64 MB semi-space: receiving large
 * answers at the fixed rate, a generator's own Mark-Compacts otherwise made it send late, which
 * counts in a read's p99.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { seedDatabase } from "../scripts/db/seed.ts";
import { createTokenService } from "../src/auth/tokens.ts";
import { createDatabase, sqlOver } from "../src/db/database.ts";
import { watchCpu } from "./api/cpu.ts";
import type { FixedRateOptions, FixedRateResult } from "./api/fixedRate.ts";
import { freshGenerator, type GeneratorJob } from "./api/freshGenerator.ts";
import { closedLoop, type HttpRequest, httpLoad, type LoadOptions, type LoadResult } from "./api/load.ts";
import { captureQuery, explainAnalyze } from "./api/plainPg.ts";
import { type ApiRead, apiReads, BROWSER_HEADERS, type ReadTargets } from "./api/reads.ts";
import {
  closedLoopTable,
  cpuTable,
  type FixedMeasured,
  type FloorResult,
  figuresOf,
  floorTable,
  goalLines,
  type Measured,
  type ReadResult,
  readTable,
} from "./api/summary.ts";
import { numberFlag } from "./flags.ts";
import { machineInfo } from "./metrics/machine.ts";
import {
  scratchDatabase,
  serverFlagSets,
  startHttpFloor,
  startTypephoon,
  TYPEPHOON_BENCH_ENV,
} from "./servers.ts";

/** node-postgres's default pool size: what the server's PrismaPg pool has. */
const POOL_SIZE = 10;

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    users: { type: "string", default: "10000" },
    results: { type: "string", default: "1000000" },
    days: { type: "string", default: "180" },
    seed: { type: "string", default: "42" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string", default: "100" },
    rate: { type: "string", default: "1000" },
    "in-process-saturation": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    "server-flags": { type: "string", default: "default" },
    "sample-users": { type: "string", default: "1000" },
    only: { type: "string" },
    explain: { type: "boolean", default: false },
    "no-gzip": { type: "boolean", default: false },
    "keep-database": { type: "boolean", default: false },
    "database-url": { type: "string" },
    "database-admin-url": { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});

const count = (
  name: "users" | "results" | "days" | "seed" | "connections" | "rate" | "sample-users",
  min: number,
) => numberFlag(name, flags[name], min, true);
const seconds = (name: "duration" | "warmup", quick: string, full: string, min: number) =>
  numberFlag(name, flags[name] ?? (flags.quick ? quick : full), min, false);
const [serverFlags, ...otherSets] = serverFlagSets(flags["server-flags"]);
if (otherSets.length) throw new Error("--server-flags: one set a run here (run again for another)");
const options = {
  serverFlags: serverFlags!,
  durationS: seconds("duration", "2.5", "10", 0.5),
  warmupS: seconds("warmup", "0.5", "2", 0),
  connections: count("connections", 1),
  rate: count("rate", 1),
  inProcessSaturation: flags["in-process-saturation"],
  sampleUsers: count("sample-users", 1),
  poolSize: POOL_SIZE,
  gzip: !flags["no-gzip"],
};
const seedOptions = {
  users: count("users", 1),
  results: count("results", 1),
  days: count("days", 2),
  seed: count("seed", 0),
};

const machine = machineInfo();
const started = Date.now();
console.log(
  `bench api: ${machine.nproc} × ${machine.cpuModel}, commit ${machine.commit}${machine.dirty ? " (+ uncommitted changes)" : ""}, ` +
    `${options.rate} requests/s fixed, ${options.connections} connections at saturation, ` +
    `${options.durationS} s per run after ${options.warmupS} s of warm-up, the server's V8 flags: ${options.serverFlags}, ` +
    `asking ${options.gzip ? "as a browser (gzip)" : "without gzip (--no-gzip)"}`,
);

// ---------------------------------------------------------------------------------------------
// The database: seeded here, or reused
// ---------------------------------------------------------------------------------------------

/** What to close at the end, or on a failure or Ctrl-C: the last opened first. */
const closers: Array<() => Promise<unknown>> = [];
async function cleanUp() {
  for (let close = closers.pop(); close; close = closers.pop()) await close().catch(() => {});
}
process.once("SIGINT", () => {
  console.log("\ninterrupted: stopping the server and dropping the scratch database");
  cleanUp().finally(() => process.exit(130));
});

interface DatabaseUnderTest {
  url: string;
  /** how it was filled: by this run (with these options) or before it */
  seeded: (typeof seedOptions & { seconds: number }) | null;
}

async function provideDatabase(): Promise<DatabaseUnderTest> {
  const reuse = flags["database-url"];
  if (reuse) return { url: reuse, seeded: null };
  const scratch = await scratchDatabase(flags["database-admin-url"]);
  let complete = false;
  closers.push(async () => {
    if (!(flags["keep-database"] && complete)) return scratch.drop();
    console.log(`database kept; reuse it with:\n  npm run bench:api -- --database-url ${scratch.url}`);
  });
  console.log(
    `seeding ${seedOptions.users} users, ${seedOptions.results} results (seed ${seedOptions.seed})`,
  );
  const seedStarted = performance.now();
  await seedDatabase(scratch.url, { ...seedOptions, now: new Date() }, (line) => console.log(`  ${line}`));
  complete = true;
  return { url: scratch.url, seeded: { ...seedOptions, seconds: (performance.now() - seedStarted) / 1000 } };
}

/** The seed's size and the bench's targets in it. */
async function survey(monitor: pg.Client) {
  const one = async <T>(sql: string, values: unknown[] = []) =>
    (await monitor.query(sql, values)).rows[0] as T;
  const size = await one<{ users: number; results: number }>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM game_results)::int AS results`,
  );
  const heavy = await one<{ id: string; races: number } | undefined>(
    `SELECT user_id::text AS id, races FROM user_stats ORDER BY races DESC, user_id LIMIT 1`,
  );
  if (!heavy) throw new Error("the database has no finished races: seed it first");
  // The same players every time for the same seed: ordered by a hash of their ids.
  const { rows: sample } = await monitor.query<{ id: string; races: number; name: string; guest: boolean }>(
    `SELECT s.user_id::text AS id, s.races, u.name, u.guest
     FROM user_stats AS s JOIN users AS u ON u.id = s.user_id
     WHERE s.races > 0 ORDER BY md5(s.user_id::text) LIMIT $1`,
    [options.sampleUsers],
  );
  // Signed as the bench server checks them (its JWT_SECRET), valid for longer than any run.
  const tokens = createTokenService(TYPEPHOON_BENCH_ENV.JWT_SECRET);
  const signedIn = await Promise.all(
    sample.map(async (user) => ({ id: user.id, token: (await tokens.issueAccessToken(user, 86_400)).token })),
  );
  // The day before the latest result: a whole day, whenever the seed ran (today's is partial).
  const { day } = await one<{ day: string }>(
    `SELECT ((max(finished_at) AT TIME ZONE 'UTC')::date - 1)::text AS day FROM game_results`,
  );
  const races = sample.map((user) => user.races).sort((a, b) => a - b);
  return {
    size,
    heavyUser: heavy,
    sampleUsers: { count: sample.length, medianRaces: races[races.length >> 1] ?? 0 },
    targets: {
      heavyUser: heavy.id,
      sampleUsers: sample.map((user) => user.id),
      boardDay: day,
      signedIn,
    } satisfies ReadTargets,
  };
}

// ---------------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------------

let opened: Awaited<ReturnType<typeof open>>;
try {
  opened = await open();
} catch (error) {
  await cleanUp();
  throw error;
}
const { database, monitor, surveyed, server, origin, prisma, pool, plain } = opened;

async function open() {
  const database = await provideDatabase();
  const monitor = new pg.Client({ connectionString: database.url });
  await monitor.connect();
  closers.push(() => monitor.end());
  const surveyed = await survey(monitor);
  console.log(
    `database: ${surveyed.size.users} users, ${surveyed.size.results} results; heaviest player ` +
      `${surveyed.heavyUser.races} finished races, ${surveyed.sampleUsers.count} sampled players ` +
      `(median ${surveyed.sampleUsers.medianRaces}); daily board of ${surveyed.targets.boardDay}`,
  );
  const profileDir = flags["cpu-prof"];
  const server = await startTypephoon({
    databaseUrl: database.url,
    serverFlags: options.serverFlags,
    ...(profileDir && { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] }),
  });
  closers.push(() => server.stop());
  const { prisma, close } = createDatabase(database.url);
  closers.push(close);
  const pool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE });
  closers.push(() => pool.end());
  return {
    database,
    monitor,
    surveyed,
    server,
    origin: server.endpoints[0]!.http,
    prisma,
    pool,
    plain: sqlOver(pool),
  };
}

const only = flags.only?.split(",").map((part) => part.trim());
const selected = ({ name }: { name: string }) => !only || only.some((part) => name.includes(part));
const asked = options.gzip ? BROWSER_HEADERS : {};
const reads = apiReads(surveyed.targets, asked).filter(selected);
/** The same answer with less and less in front of it: Node's http, Express, Typephoon's middleware. */
const floors: Array<{ name: string; start(): ReturnType<typeof startHttpFloor> }> = [
  { name: "floor · node:http", start: () => startHttpFloor("node") },
  { name: "floor · Express 5", start: () => startHttpFloor("express") },
  {
    name: "floor · Typephoon /healthz",
    start: async () => ({ origin, pid: server.pids[0]!, stop: async () => {} }),
  },
].filter(selected);
const load: LoadOptions = {
  concurrency: options.connections,
  warmupMs: options.warmupS * 1000,
  durationMs: options.durationS * 1000,
};

/** One answer each way, before timing thousands: a 404 or a mismatch is not a measurement. */
async function check(read: ApiRead): Promise<number> {
  const { path, headers } = read.request(0);
  const response = await fetch(origin + path, { headers });
  if (!response.ok) throw new Error(`${read.name}: HTTP ${response.status} ${await response.text()}`);
  const [viaPrisma, viaPg] = [await read.read(prisma, 0), await read.read(plain, 0)];
  if (viaPrisma !== viaPg)
    throw new Error(`${read.name}: ${viaPrisma} rows through Prisma, ${viaPg} through pg`);
  return viaPrisma;
}

const atRate: FixedRateOptions = {
  rate: options.rate,
  warmupMs: options.warmupS * 1000,
  durationMs: options.durationS * 1000,
};

/**
 * A run with the CPU read over its measured part ("server": the process at `serverPid`; "bench":
 * the generator's, this process unless given).
 */
async function measured<Run extends LoadOptions | FixedRateOptions, Result extends LoadResult>(
  settings: Run,
  run: (options: Run) => Promise<Result>,
  serverPid = server.pids[0]!,
  benchPid = process.pid,
): Promise<Result & Measured> {
  let watching: ReturnType<typeof watchCpu> | undefined;
  const result = await run({
    ...settings,
    measuring: () => {
      watching = watchCpu(serverPid, monitor, benchPid);
    },
  });
  if (!watching) throw new Error("the run ended before its warm-up did");
  return { ...result, cpu: await (await watching)() };
}

/** At the fixed rate, by a generator in a fresh process (bench/api/freshGenerator.ts). */
async function fixedFresh(job: GeneratorJob, serverPid?: number): Promise<FixedMeasured> {
  const generator = freshGenerator(job);
  try {
    return await measured(atRate, (settings) => generator.run(settings.measuring), serverPid, generator.pid);
  } finally {
    await generator.stopped;
  }
}

/** At the fixed rate over HTTP: `requests` in turn. */
const fixedHttp = (target: string, requests: HttpRequest[], serverPid?: number) =>
  fixedFresh(
    { kind: "http", origin: target, requests, connections: options.connections, ...atRate },
    serverPid,
  );

/** At the fixed rate over plain pg: the read's src/db/ function, as its route calls it. */
const fixedPg = (read: ApiRead) =>
  fixedFresh({
    kind: "pg",
    databaseUrl: database.url,
    poolSize: POOL_SIZE,
    targets: surveyed.targets,
    asked,
    read: read.name,
    ...atRate,
  });

function logRun(path: string, result: Measured & Partial<FixedRateResult>) {
  const failed = result.errors + result.non2xx + (result.unanswered ?? 0);
  const lag = result.sendLagMs ? `  (sent late: p99 ${result.sendLagMs.p99.toFixed(2)} ms)` : "";
  console.log(
    `  ${path.padEnd(10)} ${Math.round(result.opsPerSec).toString().padStart(6)}/s  p50 ${result.latencyMs.p50.toFixed(2)}  ` +
      `p99 ${result.latencyMs.p99.toFixed(2)} ms  cores: server ${result.cpu.server.toFixed(2)}, ` +
      `postgres ${result.cpu.database.toFixed(2)}, bench ${result.cpu.bench.toFixed(2)}` +
      lag +
      (failed ? `  FAILED ${failed} (${result.firstError})` : ""),
  );
}

const floorResults: FloorResult[] = [];
const results: ReadResult[] = [];
const plans: Record<string, string> = {};
try {
  for (const floor of floors) {
    console.log(floor.name);
    const floorServer = await floor.start();
    try {
      const saturation = await measured(
        load,
        (settings) => httpLoad(floorServer.origin, [{ path: "/healthz", headers: asked }], settings),
        floorServer.pid,
      );
      logRun("saturation", saturation);
      const fixed = await fixedHttp(
        floorServer.origin,
        [{ path: "/healthz", headers: asked }],
        floorServer.pid,
      );
      logRun("fixed", fixed);
      floorResults.push({ name: floor.name, saturation, fixed });
    } finally {
      await floorServer.stop();
    }
  }
  // Bare Express's /healthz again beside each read's saturation: the machine's speed drifts over
  // minutes, and a read's throughput per core is set against the floor's of the same moment.
  const expressBeside = reads.length > 0 ? await startHttpFloor("express") : undefined;
  if (expressBeside) closers.push(() => expressBeside.stop());
  for (const read of reads) {
    console.log(`${read.name} (${read.variants} variant${read.variants === 1 ? "" : "s"})`);
    const rows = await check(read);
    const requests = Array.from({ length: read.variants }, (_, i) => read.request(i));
    const fixedViaHttp = await fixedHttp(origin, requests);
    logRun("fixed HTTP", fixedViaHttp);
    const fixedViaPg = await fixedPg(read);
    logRun("fixed pg", fixedViaPg);
    const floorBeside = await measured(
      load,
      (settings) => httpLoad(expressBeside!.origin, [{ path: "/healthz", headers: asked }], settings),
      expressBeside!.pid,
    );
    logRun("Express", floorBeside);
    const saturation = await measured(load, (settings) => httpLoad(origin, requests, settings));
    logRun("saturation", saturation);
    const result: ReadResult = {
      name: read.name,
      variants: read.variants,
      rows,
      saturation,
      floorBeside,
      fixed: { http: fixedViaHttp, pg: fixedViaPg },
    };
    if (options.inProcessSaturation) {
      const viaPrisma = await measured(load, (settings) => closedLoop((i) => read.read(prisma, i), settings));
      logRun("Prisma", viaPrisma);
      const viaPg = await measured(load, (settings) => closedLoop((i) => read.read(plain, i), settings));
      logRun("pg", viaPg);
      result.inProcess = { prisma: viaPrisma, pg: viaPg };
    }
    results.push(result);
  }
  // The plans of the first variant of each read (on a warm cache, after the runs).
  for (const read of reads) {
    plans[read.name] = await explainAnalyze(pool, await captureQuery((db) => read.read(db, 0)));
  }
} finally {
  await cleanUp();
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const seedLine = database.seeded
  ? `seeded by this run (--users ${database.seeded.users} --results ${database.seeded.results} --seed ${database.seeded.seed}, ${database.seeded.seconds.toFixed(0)} s)`
  : "a database seeded before (--database-url)";
const header = [
  `API bench, ${machine.date}, commit ${machine.commit}${machine.dirty ? " (+ uncommitted changes)" : ""}, ` +
    `${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}`,
  `command: ${machine.command}`,
  `data: ${surveyed.size.users} users, ${surveyed.size.results} results, ${seedLine}; heaviest player ` +
    `${surveyed.heavyUser.races} finished races; sampled players' median ${surveyed.sampleUsers.medianRaces}`,
  `load: ${options.rate} requests/s offered (open loop) over HTTP and to plain pg, each by a fresh generator process, then ` +
    `${options.connections} connections at saturation over HTTP, ${options.durationS} s per run ` +
    `(after ${options.warmupS} s of warm-up); the server${options.inProcessSaturation ? ", Prisma" : ""} and pg ` +
    `each through a pool of ${POOL_SIZE} connections; the server's V8 flags: ${options.serverFlags}`,
].join("\n");
const text = [
  header,
  "",
  floorTable(floorResults),
  "",
  readTable(results, floorResults),
  "",
  "CPU per operation (ms; cores × 1000 ÷ ops/s; the client is the run's generator)",
  "",
  cpuTable(results, floorResults),
  ...(options.inProcessSaturation
    ? ["", `closed loop at ${options.connections} callers (issue 8)`, "", closedLoopTable(results)]
    : []),
  "",
  goalLines(results, floorResults, options.rate),
].join("\n");
if (flags.explain) {
  for (const [name, plan] of Object.entries(plans)) console.log(`\nEXPLAIN ANALYZE: ${name}\n${plan}`);
}

const output = {
  machine,
  options: { ...options, only: only ?? null },
  database: { seeded: database.seeded, ...surveyed.size, reused: database.seeded === null },
  heavyUser: surveyed.heavyUser,
  sampleUsers: surveyed.sampleUsers,
  boardDay: surveyed.targets.boardDay,
  durationS: (Date.now() - started) / 1000,
  floors: floorResults,
  reads: results.map((read) => ({ ...read, figures: figuresOf(read, floorResults) })),
  plans,
  summary: text,
};
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL(
  `./results/${machine.date.replaceAll(":", "-").slice(0, 19)}-api${options.serverFlags === "default" ? "" : `-flags-${options.serverFlags}`}.json`,
  import.meta.url,
);
await writeFile(file, JSON.stringify(output, null, 2));
console.log(`\n${text}\n\nfull results: ${file.pathname} (${output.durationS.toFixed(0)} s)`);
process.exit(0);
