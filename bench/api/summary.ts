/**
 * The API bench's figures per read and its markdown tables, with issue 28's goals, each a ratio
 * measured in the same run:
 *
 *   - at a fixed offered rate (1,000 requests/s, open loop: bench/api/fixedRate.ts), each read's
 *     HTTP p99 ≤ 10 ms, and ≤ 1.5× the p99 of the same read over plain `pg` at the same rate;
 *   - at saturation (closed loop, 100 connections), each read's throughput per core (req/s ÷ the
 *     server's cores busy) ≥ 0.5× bare Express's `/healthz`, measured just before the read's.
 *
 * With --in-process-saturation, the closed-loop Prisma and pg runs of issue 8 too (its HTTP ÷ pg
 * p99 at 100 callers), as tables of their own.
 */
import type { CpuShares } from "./cpu.ts";
import type { FixedRateResult } from "./fixedRate.ts";
import type { LoadResult } from "./load.ts";

const GOAL_P99_MS = 10;
const GOAL_OVER_PG = 1.5;
const GOAL_PER_CORE = 0.5;
/** The floor a read's throughput per core is set against. */
const PER_CORE_BASE = "floor · Express 5";

export interface Measured extends LoadResult {
  cpu: CpuShares;
}

export interface FixedMeasured extends FixedRateResult {
  cpu: CpuShares;
}

export interface ReadResult {
  name: string;
  variants: number;
  /** rows in the answer to the first variant (the first of the sampled players) */
  rows: number;
  /** HTTP, closed loop at the bench's connections: throughput per core */
  saturation: Measured;
  /** bare Express's `/healthz` the same way just before: the base of the read's throughput per core */
  floorBeside?: Measured;
  /** at the fixed offered rate: over HTTP, and the same src/db/ function in-process over plain pg */
  fixed: { http: FixedMeasured; pg: FixedMeasured };
  /** --in-process-saturation: closed loop in-process at the bench's concurrency */
  inProcess?: { prisma: Measured; pg: Measured };
}

/** A floor of the API bench: the same small answer from less than a Typephoon read does. */
export interface FloorResult {
  name: string;
  saturation: Measured;
  fixed: FixedMeasured;
}

/** Requests per second per core of the server: req/s ÷ the server's cores busy. */
const perCore = (run: Measured) => run.opsPerSec / run.cpu.server;
/** CPU milliseconds one process (group) spent per request */
const cpuMsPerOp = (run: Measured, who: keyof CpuShares) => (run.cpu[who] * 1000) / run.opsPerSec;

export function figuresOf(read: ReadResult, floors: FloorResult[]) {
  const base = floors.find((floor) => floor.name === PER_CORE_BASE);
  const p99 = read.fixed.http.latencyMs.p99;
  const overPg = p99 / read.fixed.pg.latencyMs.p99;
  // Results written before the floor was measured beside each read are set against the run's one.
  const baseRun = read.floorBeside ?? base?.saturation;
  const perCoreRatio = baseRun ? perCore(read.saturation) / perCore(baseRun) : Number.NaN;
  return {
    fixedP99Ms: p99,
    fixedPgP99Ms: read.fixed.pg.latencyMs.p99,
    overPg,
    perCore: perCore(read.saturation),
    perCoreRatio,
    cpuMsPerOp: {
      saturation: {
        server: cpuMsPerOp(read.saturation, "server"),
        database: cpuMsPerOp(read.saturation, "database"),
      },
      fixedHttp: {
        server: cpuMsPerOp(read.fixed.http, "server"),
        database: cpuMsPerOp(read.fixed.http, "database"),
      },
      fixedPg: {
        client: cpuMsPerOp(read.fixed.pg, "bench"),
        database: cpuMsPerOp(read.fixed.pg, "database"),
      },
    },
    goals: {
      p99: p99 <= GOAL_P99_MS && fullyAnswered(read.fixed.http),
      // The baseline must hold the rate too: a backlog of pg calls is not a p99 to compare with.
      overPg: overPg <= GOAL_OVER_PG && fullyAnswered(read.fixed.http) && fullyAnswered(read.fixed.pg),
      perCore: perCoreRatio >= GOAL_PER_CORE,
    },
    ...(read.inProcess && {
      closedLoop: {
        httpOverPgP99: read.saturation.latencyMs.p99 / read.inProcess.pg.latencyMs.p99,
        prismaOverPgP99: read.inProcess.prisma.latencyMs.p99 / read.inProcess.pg.latencyMs.p99,
      },
    }),
  };
}

/** A fixed-rate run that failed or left calls unanswered has no p99 to trust. */
const fullyAnswered = (run: FixedRateResult) => run.errors + run.non2xx + run.unanswered === 0;

const ms = (value: number) =>
  !Number.isFinite(value)
    ? "n/a"
    : value < 10
      ? value.toFixed(2)
      : value < 100
        ? value.toFixed(1)
        : value.toFixed(0);
const rate = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const verdict = (met: boolean) => (met ? "PASS" : "MISS");
const latency = (result: LoadResult) => `${ms(result.latencyMs.p50)} / ${ms(result.latencyMs.p99)}`;

function failed(run: LoadResult & { unanswered?: number }): number {
  return run.errors + run.non2xx + (run.unanswered ?? 0);
}

/** A failed request makes every figure of the read suspect: said in the table, not only the JSON. */
function failures(runs: Array<[string, LoadResult & { unanswered?: number }]>): string {
  const bad = runs.filter(([, run]) => failed(run) > 0);
  return bad.length ? ` (failed: ${bad.map(([path, run]) => `${path} ${failed(run)}`).join(", ")})` : "";
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The floors: how fast this machine answers at all, at saturation and at the fixed rate. */
export function floorTable(floors: FloorResult[]): string {
  return table(
    [
      "floor",
      "saturation req/s",
      "p50 / p99 ms",
      "server CPU (cores)",
      "req/s per core",
      "at the fixed rate: p50 / p99 ms",
    ],
    floors.map(({ name, saturation, fixed: atRate }) => [
      name +
        failures([
          ["saturation", saturation],
          ["fixed", atRate],
        ]),
      rate(saturation.opsPerSec),
      latency(saturation),
      fixed(saturation.cpu.server, 2),
      rate(perCore(saturation)),
      latency(atRate),
    ]),
  );
}

/** Each read: its fixed-rate latencies against plain pg, and its saturation throughput per core. */
export function readTable(reads: ReadResult[], floors: FloorResult[]): string {
  return table(
    [
      "read",
      "rows (first)",
      "fixed rate: HTTP p50 / p99 ms",
      "pg p50 / p99 ms",
      "HTTP ÷ pg p99",
      "server ms/req",
      "saturation req/s",
      "server CPU (cores)",
      "req/s per core",
      "Express's beside",
      "÷ Express's",
    ],
    reads.map((read) => {
      const figures = figuresOf(read, floors);
      return [
        read.name +
          failures([
            ["fixed HTTP", read.fixed.http],
            ["fixed pg", read.fixed.pg],
            ["saturation", read.saturation],
          ]),
        String(read.rows),
        latency(read.fixed.http),
        latency(read.fixed.pg),
        fixed(figures.overPg, 2),
        fixed(figures.cpuMsPerOp.fixedHttp.server, 3),
        rate(read.saturation.opsPerSec),
        fixed(read.saturation.cpu.server, 2),
        rate(figures.perCore),
        read.floorBeside ? rate(perCore(read.floorBeside)) : "n/a",
        fixed(figures.perCoreRatio, 2),
      ];
    }),
  );
}

/** --in-process-saturation: issue 8's closed-loop comparison at the bench's concurrency. */
export function closedLoopTable(reads: ReadResult[]): string {
  const compared = reads.filter((read) => read.inProcess);
  return table(
    [
      "read",
      "HTTP p50 / p99 ms",
      "Prisma ops/s",
      "Prisma p50 / p99 ms",
      "pg ops/s",
      "pg p50 / p99 ms",
      "HTTP ÷ pg p99",
      "Prisma ÷ pg p99",
    ],
    compared.map((read) => {
      const { prisma, pg } = read.inProcess!;
      return [
        read.name,
        latency(read.saturation),
        rate(prisma.opsPerSec),
        latency(prisma),
        rate(pg.opsPerSec),
        latency(pg),
        fixed(read.saturation.latencyMs.p99 / pg.latencyMs.p99, 2),
        fixed(prisma.latencyMs.p99 / pg.latencyMs.p99, 2),
      ];
    }),
  );
}

/** Issue 28's goals, one line each per read, PASS or MISS with its ratio to the goal. */
export function goalLines(reads: ReadResult[], floors: FloorResult[], offeredRate: number): string {
  const lines: string[] = [];
  let passed = 0;
  let total = 0;
  const goal = (met: boolean, text: string) => {
    total++;
    if (met) passed++;
    lines.push(`${verdict(met)}  ${text}`);
  };
  for (const read of reads) {
    const figures = figuresOf(read, floors);
    const unanswered = fullyAnswered(read.fixed.http)
      ? ""
      : ` (failed or unanswered: ${failed(read.fixed.http)})`;
    goal(
      figures.goals.p99,
      `${read.name}: p99 at ${rate(offeredRate)}/s ${ms(figures.fixedP99Ms)} ms ≤ ${GOAL_P99_MS} ms ` +
        `(${fixed(figures.fixedP99Ms / GOAL_P99_MS, 2)}× the goal; the generator sent late by ` +
        `p99 ${ms(read.fixed.http.sendLagMs.p99)} ms, counted in)${unanswered}`,
    );
    const pgUnanswered = fullyAnswered(read.fixed.pg)
      ? ""
      : ` (plain pg failed or left unanswered ${failed(read.fixed.pg)}: it did not hold the rate)`;
    goal(
      figures.goals.overPg,
      `${read.name}: p99 ${fixed(figures.overPg, 2)}× plain pg's (${ms(figures.fixedPgP99Ms)} ms) ≤ ${GOAL_OVER_PG}×${pgUnanswered}`,
    );
    goal(
      figures.goals.perCore,
      `${read.name}: ${rate(figures.perCore)} req/s per core = ${fixed(figures.perCoreRatio, 2)}× bare Express's /healthz beside it ≥ ${GOAL_PER_CORE}×`,
    );
  }
  return [`goals (issue 28): ${passed}/${total} PASS`, ...lines].join("\n");
}

/** CPU per request: what each path costs, whatever the other load on the machine did to latency. */
export function cpuTable(reads: ReadResult[], floors: FloorResult[]): string {
  return table(
    [
      "read",
      "saturation: server ms/req",
      "saturation: postgres ms/req",
      "fixed rate: server ms/req",
      "fixed rate: postgres ms/req",
      "fixed rate pg: client ms/op",
      "fixed rate pg: postgres ms/op",
    ],
    reads.map((read) => {
      const { cpuMsPerOp: cpu } = figuresOf(read, floors);
      return [
        read.name,
        fixed(cpu.saturation.server, 3),
        fixed(cpu.saturation.database, 3),
        fixed(cpu.fixedHttp.server, 3),
        fixed(cpu.fixedHttp.database, 3),
        fixed(cpu.fixedPg.client, 3),
        fixed(cpu.fixedPg.database, 3),
      ];
    }),
  );
}
