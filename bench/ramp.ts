/**
 * The ramp: racers are added in steps, each step held for a few measurement windows, until a step
 * breaks the latency bound (p99 keystroke -> opponent) or the CPU bound (share of one core, per
 * server process). The capacity is the last step within both.
 */
import type { GeneratorPool, GeneratorWindow } from "./loadgen/generators.ts";
import { coreShare, type ProcessSample, sampleProcess } from "./metrics/processStats.ts";
import type { ServerUnderTest } from "./servers.ts";

export interface RampOptions {
  steps: number[];
  windowMs: number;
  /** windows per step; each figure of a step is the median over its windows */
  windows: number;
  /** after seating a step's racers, before measuring */
  settleMs: number;
  p99LimitMs: number;
  /** share of one core per server process */
  cpuLimit: number;
  log(line: string): void;
}

export interface WindowFigures {
  racers: number;
  keysPerSec: number;
  /** messages received by all clients per second: what the server sent */
  messagesOutPerSec: number;
  /** per server process, share of one core */
  serverCores: number[];
  serverCpuSecondsPer1000Keys: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  latencySamples: number;
  rssBytes: number;
  /** keys the server applied (Typephoon's own counter), when it has one */
  keysAppliedPerSec?: number;
  rejections: number;
  disconnects: number;
  /** spectators watching (none in a ramp), what they received, and keystroke -> spectator p99 */
  spectators: number;
  spectatorMessagesPerSec: number;
  spectatorP99Ms: number;
  spectatorDisconnects: number;
  generators: GeneratorWindow["generators"];
}

export interface StepResult extends WindowFigures {
  target: number;
  seatedMs: number;
  seatFailures: number;
  seatErrors: string[];
  /** (RSS now - RSS before any racer) / racers, all processes together: includes one-off growth */
  rssOverIdleKBPerRacer: number;
  /**
   * (RSS now - RSS at the first step) / (racers now - racers at the first step): what one more
   * racer costs once the process is warm (JIT code, pools, heap reservations already there)
   */
  marginalRssKBPerRacer: number;
  windowsMeasured: WindowFigures[];
  within: boolean;
  /** why the step is out of bounds, if it is */
  violation?: string;
}

export interface RampResult {
  system: string;
  processes: number;
  idleRssBytes: number;
  steps: StepResult[];
  /** racers of the last step within bounds (0 if none) */
  capacity: number;
  stoppedBecause: string;
}

const median = (values: number[]) => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Below this share of the keystrokes due, a step measures the generators, not the server. */
const MIN_LOAD_DELIVERED = 0.9;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Typephoon's applied-keystroke counter, summed over its processes (undefined for the baselines). */
async function keysApplied(server: ServerUnderTest): Promise<number | undefined> {
  if (server.metricsUrls.length === 0) return undefined;
  let total = 0;
  for (const url of server.metricsUrls) {
    const text = await (await fetch(url)).text();
    total += Number(/^typephoon_keystrokes_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  }
  return total;
}

export async function measureWindow(server: ServerUnderTest, generators: GeneratorPool, windowMs: number) {
  const appliedBefore = await keysApplied(server);
  await generators.startWindow();
  const before: ProcessSample[] = server.pids.map(sampleProcess);
  await sleep(windowMs);
  const after: ProcessSample[] = server.pids.map(sampleProcess);
  const seen = await generators.readWindow();
  const appliedAfter = await keysApplied(server);
  const seconds = seen.elapsedMs / 1000;
  const cpuSeconds = after.reduce((total, sample, i) => total + sample.cpuSeconds - before[i]!.cpuSeconds, 0);
  return {
    racers: seen.racers,
    keysPerSec: seen.keysSent / seconds,
    messagesOutPerSec: seen.messagesReceived / seconds,
    serverCores: after.map((sample, i) => coreShare(before[i]!, sample)),
    serverCpuSecondsPer1000Keys: seen.keysSent ? (cpuSeconds / seen.keysSent) * 1000 : Number.NaN,
    p50Ms: seen.latencies.quantile(0.5),
    p90Ms: seen.latencies.quantile(0.9),
    p99Ms: seen.latencies.quantile(0.99),
    latencySamples: seen.latencies.count,
    rssBytes: after.reduce((total, sample) => total + sample.rssBytes, 0),
    keysAppliedPerSec:
      appliedBefore === undefined || appliedAfter === undefined
        ? undefined
        : (appliedAfter - appliedBefore) / seconds,
    rejections: seen.rejections,
    disconnects: seen.disconnects,
    spectators: seen.spectators,
    spectatorMessagesPerSec: seen.spectatorMessagesReceived / seconds,
    spectatorP99Ms: seen.spectatorLatencies.quantile(0.99),
    spectatorDisconnects: seen.spectatorDisconnects,
    generators: seen.generators,
  } satisfies WindowFigures;
}

export function medianFigures(windows: WindowFigures[]): WindowFigures {
  const of = (pick: (w: WindowFigures) => number) => median(windows.map(pick));
  const applied = windows.map((w) => w.keysAppliedPerSec).filter((value) => value !== undefined);
  return {
    racers: of((w) => w.racers),
    keysPerSec: of((w) => w.keysPerSec),
    messagesOutPerSec: of((w) => w.messagesOutPerSec),
    serverCores: windows[0]!.serverCores.map((_, i) => of((w) => w.serverCores[i]!)),
    serverCpuSecondsPer1000Keys: of((w) => w.serverCpuSecondsPer1000Keys),
    p50Ms: of((w) => w.p50Ms),
    p90Ms: of((w) => w.p90Ms),
    p99Ms: of((w) => w.p99Ms),
    latencySamples: windows.reduce((total, w) => total + w.latencySamples, 0),
    rssBytes: of((w) => w.rssBytes),
    keysAppliedPerSec: applied.length ? median(applied) : undefined,
    rejections: windows.reduce((total, w) => total + w.rejections, 0),
    disconnects: windows.reduce((total, w) => total + w.disconnects, 0),
    spectators: of((w) => w.spectators),
    spectatorMessagesPerSec: of((w) => w.spectatorMessagesPerSec),
    spectatorP99Ms: of((w) => w.spectatorP99Ms),
    spectatorDisconnects: windows.reduce((total, w) => total + w.spectatorDisconnects, 0),
    generators: windows[0]!.generators.map((g, i) => ({
      pid: g.pid,
      coreShare: of((w) => w.generators[i]!.coreShare),
      loopDelayP99Ms: of((w) => w.generators[i]!.loopDelayP99Ms),
    })),
  };
}

export async function ramp(
  server: ServerUnderTest,
  generators: GeneratorPool,
  options: RampOptions,
): Promise<RampResult> {
  const idleRssBytes = server.pids.map(sampleProcess).reduce((total, sample) => total + sample.rssBytes, 0);
  const steps: StepResult[] = [];
  let current = 0;
  let stoppedBecause = "no more steps";
  for (const target of options.steps) {
    const seated = await generators.add(server.system, server.endpoints, target - current);
    current += seated.seated;
    await sleep(options.settleMs);
    const windows: WindowFigures[] = [];
    for (let i = 0; i < options.windows; i++)
      windows.push(await measureWindow(server, generators, options.windowMs));
    const figures = medianFigures(windows);
    const busiest = Math.max(...figures.serverCores);
    // The first step sets the typing rate per racer; a later step far below it means the
    // generators (which share the machine) could not keep up, and the step measured less load.
    const keysPerRacer = (steps[0] ?? figures).keysPerSec / (steps[0] ?? figures).racers;
    const delivered = figures.keysPerSec / (keysPerRacer * figures.racers);
    const violations = [
      figures.p99Ms > options.p99LimitMs && `p99 ${figures.p99Ms.toFixed(0)} ms > ${options.p99LimitMs} ms`,
      busiest > options.cpuLimit &&
        `server CPU ${(busiest * 100).toFixed(0)} % > ${(options.cpuLimit * 100).toFixed(0)} % of a core`,
      seated.failed > 0 && `${seated.failed} racers could not be seated (${seated.errors[0]})`,
      figures.disconnects > 0 && `${figures.disconnects} racers disconnected`,
      delivered < MIN_LOAD_DELIVERED &&
        `load generators fell behind (${(delivered * 100).toFixed(0)} % of the keys due were typed)`,
    ].filter((violation) => typeof violation === "string");
    const step: StepResult = {
      target,
      ...figures,
      seatedMs: seated.ms,
      seatFailures: seated.failed,
      seatErrors: seated.errors,
      rssOverIdleKBPerRacer: current ? (figures.rssBytes - idleRssBytes) / current / 1024 : Number.NaN,
      marginalRssKBPerRacer:
        steps[0] && current > steps[0].racers
          ? (figures.rssBytes - steps[0].rssBytes) / (current - steps[0].racers) / 1024
          : Number.NaN,
      windowsMeasured: windows,
      within: violations.length === 0,
      violation: violations.join("; ") || undefined,
    };
    steps.push(step);
    options.log(describeStep(server.system, step));
    if (!step.within) {
      stoppedBecause = step.violation!;
      break;
    }
  }
  const good = steps.filter((step) => step.within);
  return {
    system: server.system,
    processes: server.pids.length,
    idleRssBytes,
    steps,
    capacity: good.at(-1)?.racers ?? 0,
    stoppedBecause,
  };
}

function describeStep(system: string, step: StepResult): string {
  const cores = step.serverCores.map((core) => `${(core * 100).toFixed(0)}%`).join("+");
  const gens = step.generators
    .map((g) => `${(g.coreShare * 100).toFixed(0)}%/${g.loopDelayP99Ms.toFixed(0)}ms`)
    .join(" ");
  return (
    `  ${system.padEnd(9)} ${String(step.racers).padStart(5)} racers  ${step.keysPerSec.toFixed(0).padStart(6)} keys/s  ` +
    `${step.messagesOutPerSec.toFixed(0).padStart(7)} msgs out/s  cpu ${cores.padStart(5)}  ` +
    `${step.serverCpuSecondsPer1000Keys.toFixed(3)} cpu-s/1k keys  p50/90/99 ${step.p50Ms.toFixed(1)}/${step.p90Ms.toFixed(1)}/${step.p99Ms.toFixed(1)} ms  ` +
    `rss +${step.rssOverIdleKBPerRacer.toFixed(0)} KB/racer over idle, ${step.marginalRssKBPerRacer.toFixed(0)} KB marginal  gen ${gens}  seated in ${(step.seatedMs / 1000).toFixed(1)} s` +
    (step.within ? "" : `  OUT: ${step.violation}`)
  );
}
