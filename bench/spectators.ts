/**
 * What spectators cost (issue 25): a fixed set of races of 5 typists, measured without spectators and
 * with `perRace` spectators watching every race, in alternating phases on the same server and the
 * same races. Rounds go A B, B A, A B, …, so a drift of the machine or of the races over the run falls
 * on both sides; each round's figure is the ratio of its two phases' server CPU per keystroke, and the
 * run reports their median and spread. A window before any racer gives the process's idle floor.
 */
import type { GeneratorPool } from "./loadgen/generators.ts";
import type { AddResult } from "./loadgen/protocol.ts";
import { coreShare, sampleProcess } from "./metrics/processStats.ts";
import { measureWindow, medianFigures, type WindowFigures } from "./ramp.ts";
import type { ServerUnderTest } from "./servers.ts";

export interface SpectatorOptions {
  races: number;
  perRace: number;
  rounds: number;
  windowMs: number;
  /** windows per phase; each figure of a phase is the median over its windows */
  windows: number;
  /** after racers or spectators join or leave, before measuring */
  settleMs: number;
  log(line: string): void;
}

export interface SpectatorPhase extends WindowFigures {
  round: number;
  watched: boolean;
  windowsMeasured: WindowFigures[];
}

export interface SpectatorsResult {
  races: number;
  perRace: number;
  rounds: number;
  /** the server's share of a core with no client at all */
  idleCore: number;
  racersSeated: AddResult;
  /** each time the spectators joined */
  spectatorJoins: AddResult[];
  phases: SpectatorPhase[];
  /** per round: server CPU per keystroke with spectators ÷ without */
  ratios: number[];
  /**
   * per round: keys typed with spectators ÷ without. Below 1 the generators, busy decoding the
   * spectators' patches, fell behind, and the ratio above is overstated: the spectators' patches
   * cost the same whatever the typing rate.
   */
  keysTyped: number[];
}

const RACE_SIZE = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function spectatorCost(
  server: ServerUnderTest,
  generators: GeneratorPool,
  options: SpectatorOptions,
): Promise<SpectatorsResult> {
  const idleFrom = server.pids.map(sampleProcess);
  await sleep(options.windowMs);
  const idleCore = Math.max(...server.pids.map((pid, i) => coreShare(idleFrom[i]!, sampleProcess(pid))));

  const racersSeated = await generators.add(server.system, server.endpoints, options.races * RACE_SIZE, {
    roomSize: RACE_SIZE,
  });
  options.log(
    `  ${racersSeated.seated} racers seated in ${(racersSeated.ms / 1000).toFixed(1)} s` +
      (racersSeated.failed ? `, ${racersSeated.failed} not: ${racersSeated.errors[0]}` : ""),
  );
  const spectatorJoins: AddResult[] = [];
  const phases: SpectatorPhase[] = [];
  let watched = false;
  for (let round = 1; round <= options.rounds; round++) {
    for (const withSpectators of round % 2 ? [false, true] : [true, false]) {
      if (withSpectators !== watched) {
        if (withSpectators) spectatorJoins.push(await joinSpectators(server, generators, options));
        else await generators.unspectate();
        watched = withSpectators;
      }
      await sleep(options.settleMs);
      const windows: WindowFigures[] = [];
      for (let i = 0; i < options.windows; i++)
        windows.push(await measureWindow(server, generators, options.windowMs));
      const phase = { round, watched, ...medianFigures(windows), windowsMeasured: windows };
      phases.push(phase);
      options.log(describePhase(phase));
    }
  }
  await generators.unspectate();

  const perRound = (pick: (phase: SpectatorPhase) => number) =>
    Array.from({ length: options.rounds }, (_, i) => {
      const of = (withSpectators: boolean) =>
        pick(phases.find((phase) => phase.round === i + 1 && phase.watched === withSpectators)!);
      return of(true) / of(false);
    });
  return {
    races: options.races,
    perRace: options.perRace,
    rounds: options.rounds,
    idleCore,
    racersSeated,
    spectatorJoins,
    phases,
    ratios: perRound((phase) => phase.serverCpuSecondsPer1000Keys),
    keysTyped: perRound((phase) => phase.keysPerSec),
  };
}

async function joinSpectators(server: ServerUnderTest, generators: GeneratorPool, options: SpectatorOptions) {
  const joined = await generators.spectate(server.endpoints, options.perRace);
  options.log(
    `  ${joined.seated} spectators joined in ${(joined.ms / 1000).toFixed(1)} s` +
      (joined.failed ? `, ${joined.failed} not: ${joined.errors[0]}` : ""),
  );
  return joined;
}

function describePhase(phase: SpectatorPhase): string {
  const cores = phase.serverCores.map((core) => `${(core * 100).toFixed(0)}%`).join("+");
  const gens = phase.generators
    .map((g) => `${(g.coreShare * 100).toFixed(0)}%/${g.loopDelayP99Ms.toFixed(0)}ms`)
    .join(" ");
  return (
    `  round ${phase.round} ${phase.watched ? "with   " : "without"} spectators: ${phase.racers} racers, ${phase.spectators} spectators  ` +
    `${phase.keysPerSec.toFixed(0)} keys/s  cpu ${cores}  ${phase.serverCpuSecondsPer1000Keys.toFixed(3)} cpu-s/1k keys  ` +
    `msgs out/s ${phase.messagesOutPerSec.toFixed(0)} + ${phase.spectatorMessagesPerSec.toFixed(0)} to spectators  ` +
    `p99 ${phase.p99Ms.toFixed(1)} ms (spectators ${phase.spectatorP99Ms.toFixed(1)})  gen ${gens}` +
    (phase.disconnects || phase.spectatorDisconnects
      ? `  DISCONNECTS ${phase.disconnects} racers, ${phase.spectatorDisconnects} spectators`
      : "")
  );
}
