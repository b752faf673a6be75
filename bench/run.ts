/**
 * The race benchmark (issue 8, parts 1, 2, 3 and 5; issue 25's spectators). `npm run bench` runs the
 * quick version (a short ramp of Typephoon and both baselines, then the matchmaking burst against
 * Typephoon and against the bare room) in under 3 minutes;
 * `npm run bench:full` the full ramp with repeats, matchmaking repeats, the scale-out comparison and
 * what 50 spectators a race cost (issue 25; `--spectators N` alone measures it in any mode).
 * `--server-flags default,none` runs Typephoon's server with its V8 flags and without them, in turn
 * within each repeat (issue 28's memory/CPU trade).
 * Every flag below overrides the mode's default. Writes bench/results/<time>-<mode>.json and prints
 * a summary.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { DEFAULT_RACE_PATCH_MS } from "../src/config.ts";
import { numberFlag } from "./flags.ts";
import { GeneratorPool } from "./loadgen/generators.ts";
import { type MatchmakingResult, matchmaking } from "./matchmaking.ts";
import { machineInfo } from "./metrics/machine.ts";
import { type RampOptions, type RampResult, ramp } from "./ramp.ts";
import { summarize } from "./report.ts";
import {
  SERVER_FLAG_SETS,
  type ServerUnderTest,
  scratchDatabase,
  serverFlagSets,
  startBaseline,
  startTypephoon,
} from "./servers.ts";
import { type SpectatorsResult, spectatorCost } from "./spectators.ts";
import { MATCHMAKING_SYSTEMS, type MatchmakingSystem, SYSTEMS, type SystemName } from "./systems.ts";

const MODES = {
  quick: {
    systems: "typephoon,bare,naive",
    steps: "500,1000,1500",
    window: "6",
    windows: "1",
    settle: "2",
    repeats: "1",
    joins: "1000",
    "matchmaking-repeats": "1",
    "scale-out": false,
    "scale-steps": "250,500,750,1000,1250,1500",
    spectators: "0",
  },
  full: {
    systems: "typephoon,bare,naive",
    steps: "500,750,1000,1250,1500,1750,2000,2250,2500,3000",
    window: "8",
    windows: "2",
    settle: "3",
    repeats: "3",
    joins: "1000",
    "matchmaking-repeats": "3",
    "scale-out": true,
    "scale-steps": "500,1000,1500,2000,2500",
    spectators: "50",
  },
};

const { values: flags } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    systems: { type: "string" },
    steps: { type: "string" },
    window: { type: "string" },
    windows: { type: "string" },
    settle: { type: "string" },
    repeats: { type: "string" },
    generators: { type: "string", default: "2" },
    joins: { type: "string" },
    "spread-ms": { type: "string", default: "1000" },
    "matchmaking-repeats": { type: "string" },
    "no-matchmaking": { type: "boolean", default: false },
    /** the burst with matchmaking through Redis, as when scaled out */
    "matchmaking-over-redis": { type: "boolean", default: false },
    /** with --matchmaking-over-redis: the burst's players ask this many processes in turn */
    "matchmaking-processes": { type: "string", default: "1" },
    /**
     * bursts into each server, one after another: later ones find the earlier ones' races still
     * listed (open for the 120 s reconnect grace, so keep the bursts within it)
     */
    "matchmaking-bursts": { type: "string", default: "1" },
    "scale-out": { type: "boolean" },
    "scale-steps": { type: "string" },
    /** caps each server process of the scale-out at this share of a core (cgroup CPU quota) */
    "scale-out-cores": { type: "string" },
    /** spectators per race, against none (0: not measured) */
    spectators: { type: "string" },
    "spectator-races": { type: "string", default: "20" },
    /** rounds of the spectators' A/B, each one phase with and one without */
    "spectator-rounds": { type: "string", default: "6" },
    /** the race rooms' patch interval, Typephoon's (RACE_PATCH_MS) and the bare room's alike */
    "patch-ms": { type: "string", default: String(DEFAULT_RACE_PATCH_MS) },
    /** writes a V8 CPU profile of each server process into <dir>/<system> (node --cpu-prof) */
    profile: { type: "string" },
    /**
     * Typephoon's V8 flags (bench/servers.ts SERVER_FLAG_SETS): "default" (as shipped), "none",
     * "lean-memory", one shipped flag alone, or several ("default,lean-memory"): each ramp and burst
     * of Typephoon then runs once per set, the order
     * reversed every other repeat (A B, B A) so a drift of the machine falls on both. The first set
     * is reported as "typephoon" (the goals' figures), the others as "typephoon-flags-<set>".
     */
    "server-flags": { type: "string", default: "default" },
    "p99-ms": { type: "string", default: "150" },
    "cpu-limit": { type: "string", default: "0.9" },
    "database-admin-url": { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379/13" },
  },
});

const mode = flags.full ? "full" : "quick";
const defaults = MODES[mode];
const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
type NumericFlag =
  | "repeats"
  | "joins"
  | "matchmaking-repeats"
  | "generators"
  | "spread-ms"
  | "window"
  | "windows"
  | "settle"
  | "p99-ms"
  | "patch-ms"
  | "cpu-limit"
  | "spectators"
  | "spectator-races"
  | "spectator-rounds";
/** The command line's value, else the mode's (some flags' defaults are the same in both modes). */
const flagValue = (name: NumericFlag) =>
  flags[name] ?? (defaults as Record<string, unknown>)[name]?.toString();
/** A numeric flag, or a clear error naming it. */
const count = (name: NumericFlag, min: number) => numberFlag(name, flagValue(name), min, true);
const amount = (name: NumericFlag, min: number) => numberFlag(name, flagValue(name), min, false);
const numbers = (name: "steps" | "scale-steps", value: string) =>
  list(value).map((step) => numberFlag(name, step, 1, true));
const systems = list(flags.systems ?? defaults.systems) as SystemName[];
for (const system of systems) if (!SYSTEMS.includes(system)) throw new Error(`unknown system ${system}`);
const repeats = count("repeats", 1);
const joins = count("joins", 1);
const spreadMs = amount("spread-ms", 0);
const matchmakingRepeats = flags["no-matchmaking"] ? 0 : count("matchmaking-repeats", 0);
const scaleOut = flags["scale-out"] ?? defaults["scale-out"];
const scaleOutCores = flags["scale-out-cores"] === undefined ? undefined : Number(flags["scale-out-cores"]);
if (scaleOutCores !== undefined && !(scaleOutCores > 0 && scaleOutCores <= 1)) {
  throw new Error(
    `--scale-out-cores must be a share of one core (0 < n ≤ 1), got ${flags["scale-out-cores"]}`,
  );
}
const matchmakingProcesses = numberFlag("matchmaking-processes", flags["matchmaking-processes"], 1, true);
if (matchmakingProcesses > 1 && !flags["matchmaking-over-redis"]) {
  throw new Error(
    "--matchmaking-processes above 1 needs --matchmaking-over-redis: processes share lobbies through Redis",
  );
}
const matchmakingBursts = numberFlag("matchmaking-bursts", flags["matchmaking-bursts"], 1, true);
const patchMs = count("patch-ms", 16);
const flagSets = serverFlagSets(flags["server-flags"]);
/** Typephoon's flag sets in the order repeat `repeat` runs them: A B, then B A. */
const flagSetsOf = (repeat: number) => (repeat % 2 ? flagSets : [...flagSets].reverse());
/** The name a Typephoon run under flag set `set` is reported by. */
const typephoonLabel = (set: string) => (set === flagSets[0] ? "typephoon" : `typephoon-flags-${set}`);
const spectators = count("spectators", 0);
const spectatorRaces = count("spectator-races", 1);
const spectatorRounds = count("spectator-rounds", 1);
const rampOptions: RampOptions = {
  steps: numbers("steps", flags.steps ?? defaults.steps),
  windowMs: amount("window", 0.1) * 1000,
  windows: count("windows", 1),
  settleMs: amount("settle", 0) * 1000,
  p99LimitMs: amount("p99-ms", 0),
  cpuLimit: amount("cpu-limit", 0),
  log: (line) => console.log(line),
};

const machine = machineInfo();
const started = Date.now();
console.log(
  `bench ${mode}: ${machine.nproc} × ${machine.cpuModel}, commit ${machine.commit}${machine.dirty ? " (+ uncommitted changes)" : ""}, ${flags.generators} generator processes, race patches every ${patchMs} ms, Typephoon's V8 flags: ${flagSets.join(" and ")}`,
);

const database = await scratchDatabase(flags["database-admin-url"]);
const generatorProcesses = count("generators", 1);
const generators = new GeneratorPool(generatorProcesses);

async function startSystem(
  system: SystemName | MatchmakingSystem,
  options: {
    processes?: number;
    redis?: boolean;
    env?: Record<string, string>;
    cores?: number;
    serverFlags?: string;
  } = {},
) {
  const nodeArgs = flags.profile ? ["--cpu-prof", `--cpu-prof-dir=${flags.profile}/${system}`] : [];
  if (system !== "typephoon") {
    // The bare lobby is a room of the bare baseline's server.
    const baseline = system === "bareLobby" ? "bare" : system;
    return startBaseline(baseline, nodeArgs, { PATCH_MS: String(patchMs) });
  }
  if (options.redis) await flushRedis();
  return startTypephoon({
    databaseUrl: database.url,
    processes: options.processes,
    redisUrl: options.redis ? flags["redis-url"] : undefined,
    env: { RACE_PATCH_MS: String(patchMs), ...options.env },
    cores: options.cores,
    serverFlags: options.serverFlags ?? flagSets[0],
    nodeArgs,
  });
}

/**
 * The burst's players stop at their race seat (`game_start`) and never take it: with the bench's
 * 5 s grace their races would end as no-shows within the burst, and their results' writes count
 * against the joins. A player takes the seat within moments; the burst measures matchmaking.
 */
const MATCHMAKING_ENV = { RECONNECT_GRACE_S: "120" };

/** The bench's own Redis database (not the tests' db 15): emptied so no stale room is listed. */
async function flushRedis() {
  const redis = new Redis(flags["redis-url"]!);
  await redis.flushdb();
  await redis.quit();
}

async function withServer<T>(
  server: ServerUnderTest,
  work: (server: ServerUnderTest) => Promise<T>,
): Promise<T> {
  try {
    return await work(server);
  } finally {
    await generators.leave().catch(() => {});
    await server.stop();
  }
}

const ramps: Array<RampResult & { repeat: number }> = [];
const matchmakingRuns: Array<MatchmakingResult & { burst: number; variant?: string }> = [];
const scaleOutRuns: Array<{ repeat: number; one: RampResult; two: RampResult }> = [];
let spectatorRun: SpectatorsResult | undefined;
try {
  for (let repeat = 1; repeat <= repeats; repeat++) {
    for (const system of systems) {
      for (const serverFlags of system === "typephoon" ? flagSetsOf(repeat) : [undefined]) {
        const label = serverFlags ? typephoonLabel(serverFlags) : system;
        console.log(`ramp ${repeat}/${repeats}: ${label}${serverFlags ? ` (V8 flags: ${serverFlags})` : ""}`);
        const result = await withServer(await startSystem(system, { serverFlags }), (server) =>
          ramp(server, generators, rampOptions),
        );
        ramps.push({ ...result, system: label, repeat });
      }
    }
  }
  if (spectators > 0) {
    console.log(
      `spectators: ${spectatorRaces} races of 5, without and with ${spectators} spectators each, ${spectatorRounds} rounds`,
    );
    const typephoon = await startSystem("typephoon", {
      // The spectators' tokens are taken once and serve every round's joins.
      env: { RACE_MAX_SPECTATORS: String(spectators), ACCESS_TOKEN_TTL_S: "86400" },
    });
    spectatorRun = await withServer(typephoon, (server) =>
      spectatorCost(server, generators, {
        races: spectatorRaces,
        perRace: spectators,
        rounds: spectatorRounds,
        windowMs: rampOptions.windowMs,
        windows: rampOptions.windows,
        settleMs: rampOptions.settleMs,
        log: rampOptions.log,
      }),
    );
  }
  for (let repeat = 1; repeat <= matchmakingRepeats; repeat++) {
    console.log(
      `matchmaking ${repeat}/${matchmakingRepeats}: ${joins} joins within ${flags["spread-ms"]} ms` +
        (flags["matchmaking-over-redis"]
          ? ` (over Redis, ${matchmakingProcesses} process${matchmakingProcesses === 1 ? "" : "es"})`
          : ""),
    );
    const runs = MATCHMAKING_SYSTEMS.flatMap(
      (system): Array<{ system: MatchmakingSystem; set?: string }> =>
        system === "typephoon"
          ? flagSetsOf(repeat).map((set) => ({ system, set }))
          : [{ system, set: undefined }],
    );
    for (const { system, set } of runs) {
      const server = await startSystem(system, {
        processes: matchmakingProcesses,
        redis: flags["matchmaking-over-redis"],
        env: MATCHMAKING_ENV,
        serverFlags: set,
      });
      const label = set ? typephoonLabel(set) : system;
      // The report's figures are the first set's; the others' bursts are kept beside them.
      const variant = label === system ? undefined : label;
      await withServer(server, async () => {
        for (let burst = 1; burst <= matchmakingBursts; burst++) {
          const result = await matchmaking(server, generators, {
            system,
            joins,
            spreadMs,
            maxPlayers: 5,
          });
          console.log(
            `  ${label}${matchmakingBursts > 1 ? ` burst ${burst}/${matchmakingBursts}` : ""}: seated ${result.seated}/${result.joins} in ${result.allSeatedMs.toFixed(0)} ms, p99 ${result.latencyMs.p99.toFixed(0)} ms, largest room ${result.largestLobby}/${result.maxPlayers}, ` +
              `server CPU ${result.serverCores.map((cores) => `${(cores * 100).toFixed(0)} %`).join(" + ")}, ${result.serverCpuMsPerJoin.toFixed(2)} ms per join` +
              (result.failed ? `, failed: ${result.errors.join("; ")}` : ""),
          );
          matchmakingRuns.push({ ...result, burst, variant });
        }
      });
    }
  }
  if (scaleOut) {
    const scaleOptions = {
      ...rampOptions,
      steps: numbers("scale-steps", flags["scale-steps"] ?? defaults["scale-steps"]),
    };
    for (let repeat = 1; repeat <= repeats; repeat++) {
      console.log(`scale-out ${repeat}/${repeats}: 1 process over Redis`);
      const one = await withServer(
        await startSystem("typephoon", { processes: 1, redis: true, cores: scaleOutCores }),
        (server) => ramp(server, generators, scaleOptions),
      );
      console.log(`scale-out ${repeat}/${repeats}: 2 processes over Redis`);
      const two = await withServer(
        await startSystem("typephoon", { processes: 2, redis: true, cores: scaleOutCores }),
        (server) => ramp(server, generators, scaleOptions),
      );
      scaleOutRuns.push({ repeat, one, two });
    }
  }
} finally {
  generators.stop();
  await database.drop();
}

const results = {
  machine,
  mode,
  patchMs,
  serverFlags: Object.fromEntries(flagSets.map((set) => [set, SERVER_FLAG_SETS[set]])),
  steps: rampOptions.steps,
  p99LimitMs: rampOptions.p99LimitMs,
  options: { ...rampOptions, log: undefined, generators: generatorProcesses, repeats, joins },
  durationS: (Date.now() - started) / 1000,
  ramps,
  matchmaking: matchmakingRuns,
  matchmakingOverRedis: flags["matchmaking-over-redis"],
  matchmakingProcesses,
  scaleOut: scaleOutRuns,
  scaleOutCores,
  spectators: spectatorRun,
};
const summary = summarize(results);
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL(
  `./results/${machine.date.replaceAll(":", "-").slice(0, 19)}-${mode}${flags["server-flags"] === "default" ? "" : `-flags-${flagSets.join("+")}`}.json`,
  import.meta.url,
);
await writeFile(file, JSON.stringify({ ...results, summary: summary.figures }, null, 2));
console.log(`\n${summary.text}\n\nfull results: ${file.pathname} (${results.durationS.toFixed(0)} s)`);
process.exit(0);
