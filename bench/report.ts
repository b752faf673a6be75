/**
 * Turns a run's raw results into the figures the issue asks for (medians over repeats, ratios taken
 * within each repeat) and a plain-text summary, also fit for bench/README.md.
 */
import { type GoalFigures, goalsText, judgeGoals } from "./goals.ts";
import type { MatchmakingResult } from "./matchmaking.ts";
import type { MachineInfo } from "./metrics/machine.ts";
import type { RampResult, StepResult } from "./ramp.ts";
import type { SpectatorPhase, SpectatorsResult } from "./spectators.ts";
import type { MatchmakingSystem } from "./systems.ts";

interface Results {
  machine: MachineInfo;
  mode: string;
  /** the race rooms' patch interval (Typephoon's and the bare room's) */
  patchMs: number;
  /** the ramp's steps, in racers */
  steps: number[];
  p99LimitMs: number;
  ramps: Array<RampResult & { repeat: number }>;
  /** a burst with a variant (Typephoon under other V8 flags) is kept out of the figures */
  matchmaking: Array<MatchmakingResult & { variant?: string }>;
  scaleOut: Array<{ repeat: number; one: RampResult; two: RampResult }>;
  /** each scale-out process's CPU cap, as a share of a core (uncapped when absent) */
  scaleOutCores?: number;
  spectators?: SpectatorsResult;
}

export const median = (values: number[]) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const percent = (share: number) => `${fixed(share * 100)} %`;

/** The last step within bounds, or the first step if none was. */
const capacityStep = (ramp: RampResult): StepResult | undefined =>
  ramp.steps.filter((step) => step.within).at(-1) ?? ramp.steps[0];

/** The largest step target every one of `ramps` measured (0 if none). */
const largestCommonTarget = (ramps: RampResult[]): number => {
  const targets = ramps.map((ramp) => new Set(ramp.steps.map((step) => step.target)));
  return Math.max(0, ...[...targets[0]!].filter((target) => targets.every((set) => set.has(target))));
};

const stepAt = (ramp: RampResult, target: number) => ramp.steps.find((step) => step.target === target);

export function summarize(results: Results) {
  const figures = figuresOf(results);
  const goals = judgeGoals(goalFigures(results, figures));
  return {
    figures: { ...figures, goals },
    text: `${text(results, figures)}\n\n${goalsText(goals)}`,
  };
}

type Figures = ReturnType<typeof figuresOf>;

function figuresOf(results: Results) {
  const systems = [...new Set(results.ramps.map((ramp) => ramp.system))];
  const repeats = [...new Set(results.ramps.map((ramp) => ramp.repeat))];
  const rampOf = (system: string, repeat: number) =>
    results.ramps.find((ramp) => ramp.system === system && ramp.repeat === repeat);

  const perSystem = Object.fromEntries(
    systems.map((system) => {
      const ramps = repeats.map((repeat) => rampOf(system, repeat)).filter((ramp) => ramp !== undefined);
      const atCapacity = ramps.map(capacityStep).filter((step) => step !== undefined);
      const of = (pick: (step: StepResult) => number) => median(atCapacity.map(pick));
      return [
        system,
        {
          capacities: ramps.map((ramp) => ramp.capacity),
          capacity: median(ramps.map((ramp) => ramp.capacity)),
          stoppedBecause: ramps.map((ramp) => ramp.stoppedBecause),
          atCapacity: {
            racers: of((step) => step.racers),
            keysPerSec: of((step) => step.keysPerSec),
            messagesOutPerSec: of((step) => step.messagesOutPerSec),
            serverCore: of((step) => Math.max(...step.serverCores)),
            cpuSecondsPer1000Keys: of((step) => step.serverCpuSecondsPer1000Keys),
            p50Ms: of((step) => step.p50Ms),
            p90Ms: of((step) => step.p90Ms),
            p99Ms: of((step) => step.p99Ms),
            rssOverIdleKB: of((step) => step.rssOverIdleKBPerRacer),
            marginalRssKB: of((step) => step.marginalRssKBPerRacer),
            generatorCores: of((step) => Math.max(...step.generators.map((g) => g.coreShare))),
          },
        },
      ];
    }),
  );

  // CPU per keystroke at the same load: the largest step every system was measured at, per repeat.
  const commonLoad = repeats.map((repeat) => {
    const ramps = systems.map((system) => rampOf(system, repeat));
    if (ramps.some((ramp) => !ramp)) return undefined;
    const common = largestCommonTarget(ramps as RampResult[]);
    const at = Object.fromEntries(systems.map((system, i) => [system, stepAt(ramps[i]!, common)]));
    return { racers: common, at };
  });
  const ratio = (pick: (repeat: number) => [number, number] | undefined) =>
    median(
      repeats.map((repeat) => {
        const pair = pick(repeat);
        return pair ? pair[0] / pair[1] : Number.NaN;
      }),
    ) || Number.NaN;
  const ratios: Record<
    string,
    { capacity: number; cpuPerKey: number; atRacers: number; typephoonP99Ms: number }
  > = {};
  if (systems.includes("typephoon")) {
    for (const other of systems.filter((system) => system !== "typephoon")) {
      ratios[other] = {
        capacity: ratio((repeat) => {
          const ours = rampOf("typephoon", repeat);
          const theirs = rampOf(other, repeat);
          return ours && theirs ? [ours.capacity, theirs.capacity] : undefined;
        }),
        cpuPerKey: ratio((repeat) => {
          const load = commonLoad[repeats.indexOf(repeat)];
          const ours = load?.at.typephoon;
          const theirs = load?.at[other];
          return ours && theirs
            ? [ours.serverCpuSecondsPer1000Keys, theirs.serverCpuSecondsPer1000Keys]
            : undefined;
        }),
        atRacers: median(commonLoad.map((load) => load?.racers ?? Number.NaN)),
        typephoonP99Ms: median(commonLoad.map((load) => load?.at.typephoon?.p99Ms ?? Number.NaN)),
      };
    }
  }

  const burstsOf = (system: MatchmakingSystem) =>
    results.matchmaking.filter((run) => run.system === system && !run.variant);
  const mm = burstsOf("typephoon");
  // burst i of each system ran in the same repeat, one after the other
  const baseline = (system: Exclude<MatchmakingSystem, "typephoon">) => {
    const bursts = burstsOf(system);
    if (!bursts.length) return undefined;
    const ratioOf = (pick: (run: MatchmakingResult) => number) =>
      median(mm.map((run, i) => pick(run) / (bursts[i] ? pick(bursts[i]) : Number.NaN)));
    return {
      cpuMsPerJoin: median(bursts.map((run) => run.serverCpuMsPerJoin)),
      p99Ms: median(bursts.map((run) => run.latencyMs.p99)),
      allSeatedMs: median(bursts.map((run) => run.allSeatedMs)),
      allInRaceMs: median(bursts.map((run) => run.allInRaceMs)),
      failed: bursts.reduce((total, run) => total + run.failed, 0),
      overFullRooms: bursts.reduce((total, run) => total + run.overFullLobbies, 0),
      cpuPerJoinRatio: ratioOf((run) => run.serverCpuMsPerJoin),
      p99Ratio: ratioOf((run) => run.latencyMs.p99),
    };
  };
  const matchmaking = mm.length
    ? {
        runs: mm.length,
        joins: mm[0]!.joins,
        cpuMsPerJoin: median(mm.map((run) => run.serverCpuMsPerJoin)),
        seated: median(mm.map((run) => run.seated)),
        allSeatedMs: median(mm.map((run) => run.allSeatedMs)),
        allInRaceMs: median(mm.map((run) => run.allInRaceMs)),
        p50Ms: median(mm.map((run) => run.latencyMs.p50)),
        p99Ms: median(mm.map((run) => run.latencyMs.p99)),
        largestLobby: Math.max(...mm.map((run) => run.largestLobby)),
        maxPlayers: mm[0]!.maxPlayers,
        overFullLobbies: mm.reduce((total, run) => total + run.overFullLobbies, 0),
        failed: mm.reduce((total, run) => total + run.failed, 0),
        bare: baseline("bare"),
        bareLobby: baseline("bareLobby"),
      }
    : undefined;

  const scale = results.scaleOut.length
    ? {
        one: median(results.scaleOut.map((run) => run.one.capacity)),
        two: median(results.scaleOut.map((run) => run.two.capacity)),
        ratio: median(results.scaleOut.map((run) => run.two.capacity / run.one.capacity)),
        // What the second process adds per keystroke, whatever the cores: the two processes' CPU
        // summed, at the largest load both ramps measured.
        cpuPerKeyRatio: median(
          results.scaleOut.map((run) => {
            const common = largestCommonTarget([run.one, run.two]);
            const cpu = (ramp: RampResult) => stepAt(ramp, common)?.serverCpuSecondsPer1000Keys ?? Number.NaN;
            return cpu(run.two) / cpu(run.one);
          }),
        ),
        atRacers: median(results.scaleOut.map((run) => largestCommonTarget([run.one, run.two]))),
        stoppedBecause: results.scaleOut.map((run) => ({
          one: run.one.stoppedBecause,
          two: run.two.stoppedBecause,
        })),
      }
    : undefined;

  return {
    perSystem,
    ratios,
    commonLoad: commonLoad.map((load) => load?.racers),
    matchmaking,
    scaleOut: scale,
    spectators: results.spectators && spectatorFigures(results.spectators),
  };
}

/** What the goals of issue 28 are judged on. */
function goalFigures(results: Results, figures: Figures): GoalFigures {
  const typephoonRamps = results.ramps.filter((ramp) => ramp.system === "typephoon");
  const typephoon = figures.perSystem.typephoon;
  const cpuPerKey: GoalFigures["cpuPerKey"] = {};
  for (const other of ["bare", "naive"] as const) {
    const r = figures.ratios[other];
    if (r) cpuPerKey[other] = { ratio: r.cpuPerKey, atRacers: r.atRacers, p99Ms: r.typephoonP99Ms };
  }
  const outOfBounds = typephoonRamps.map((ramp) => ramp.steps.find((step) => !step.within)?.violation);
  return {
    patchMs: results.patchMs,
    p99LimitMs: results.p99LimitMs,
    typephoon:
      typephoon && typephoonRamps.length
        ? {
            capacity: typephoon.capacity,
            plannedLargestStep: Math.max(...results.steps),
            // The median ramp's reason: a ramp stopped by the majority of repeats.
            outOfBounds:
              outOfBounds.filter(Boolean).length * 2 > outOfBounds.length
                ? outOfBounds.find(Boolean)
                : undefined,
            // What one more racer costs at the most racers measured, within bounds or not.
            marginalRssKB: median(
              typephoonRamps.map((ramp) => ramp.steps.at(-1)?.marginalRssKBPerRacer ?? Number.NaN),
            ),
          }
        : undefined,
    cpuPerKey,
    spectators: figures.spectators && {
      perRace: figures.spectators.perRace,
      cpuPerKeyRatio: figures.spectators.cpuPerKeyRatio,
    },
    joins: figures.matchmaking?.bare && {
      joins: figures.matchmaking.joins,
      p99Ratio: figures.matchmaking.bare.p99Ratio,
      cpuPerJoinRatio: figures.matchmaking.bare.cpuPerJoinRatio,
      bareLobby: figures.matchmaking.bareLobby && {
        p99Ratio: figures.matchmaking.bareLobby.p99Ratio,
        cpuPerJoinRatio: figures.matchmaking.bareLobby.cpuPerJoinRatio,
      },
    },
  };
}

function spectatorFigures(run: SpectatorsResult) {
  const side = (watched: boolean) => {
    const phases = run.phases.filter((phase) => phase.watched === watched);
    const of = (pick: (phase: SpectatorPhase) => number) => median(phases.map(pick));
    return {
      racers: of((phase) => phase.racers),
      spectators: of((phase) => phase.spectators),
      keysPerSec: of((phase) => phase.keysPerSec),
      serverCore: of((phase) => Math.max(...phase.serverCores)),
      cpuSecondsPer1000Keys: of((phase) => phase.serverCpuSecondsPer1000Keys),
      messagesOutPerSec: of((phase) => phase.messagesOutPerSec + phase.spectatorMessagesPerSec),
      p99Ms: of((phase) => phase.p99Ms),
      spectatorP99Ms: of((phase) => phase.spectatorP99Ms),
      generatorCores: of((phase) => Math.max(...phase.generators.map((g) => g.coreShare))),
      disconnects: phases.reduce((total, phase) => total + phase.disconnects + phase.spectatorDisconnects, 0),
    };
  };
  return {
    races: run.races,
    perRace: run.perRace,
    rounds: run.rounds,
    idleCore: run.idleCore,
    cpuPerKeyRatio: median(run.ratios),
    cpuPerKeyRatioRange: [Math.min(...run.ratios), Math.max(...run.ratios)],
    keysTyped: median(run.keysTyped),
    keysTypedRange: [Math.min(...run.keysTyped), Math.max(...run.keysTyped)],
    without: side(false),
    with: side(true),
  };
}

function text(results: Results, figures: Figures): string {
  const { machine } = results;
  const lines = [
    `Typephoon race bench (${results.mode}) — ${machine.date.slice(0, 10)}, commit ${machine.commit}${machine.dirty ? "+dirty" : ""}, ` +
      `${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    `command: ${machine.command}`,
  ];
  if (results.ramps.length)
    lines.push(
      "",
      "| system | capacity (racers) | keys/s in | msgs/s out | server CPU | CPU-s / 1k keys | p50 / p90 / p99 ms | RSS / racer (over idle / marginal) | generator CPU (max) | stopped because |",
      "|---|---|---|---|---|---|---|---|---|---|",
    );
  for (const [system, s] of Object.entries(figures.perSystem)) {
    const c = s.atCapacity;
    lines.push(
      `| ${system} | ${fixed(s.capacity)} (${s.capacities.join(", ")}) | ${fixed(c.keysPerSec)} | ${fixed(c.messagesOutPerSec)} | ${percent(c.serverCore)} | ` +
        `${fixed(c.cpuSecondsPer1000Keys, 3)} | ${fixed(c.p50Ms, 1)} / ${fixed(c.p90Ms, 1)} / ${fixed(c.p99Ms, 1)} | ${fixed(c.rssOverIdleKB)} / ${fixed(c.marginalRssKB)} KB | ` +
        `${percent(c.generatorCores)} | ${s.stoppedBecause.join("; ")} |`,
    );
  }
  lines.push("");
  for (const [other, r] of Object.entries(figures.ratios)) {
    lines.push(
      `Typephoon / ${other}: capacity ${fixed(r.capacity, 2)}×, CPU per keystroke ${fixed(r.cpuPerKey, 2)}× (at ${fixed(r.atRacers)} racers)`,
    );
  }
  const mm = figures.matchmaking;
  if (mm) {
    lines.push(
      "",
      `Matchmaking (${mm.runs} run(s), ${mm.joins} joins within ${results.matchmaking[0]!.spreadMs} ms): seated ${fixed(mm.seated)}, all seated after ${fixed(mm.allSeatedMs)} ms, ` +
        `all in their race after ${fixed(mm.allInRaceMs)} ms, join p50 ${fixed(mm.p50Ms)} ms / p99 ${fixed(mm.p99Ms)} ms, ` +
        `largest lobby ${mm.largestLobby}/${mm.maxPlayers}, over-full lobbies ${mm.overFullLobbies}, failed joins ${mm.failed}, ` +
        `server CPU ${fixed(mm.cpuMsPerJoin, 2)} ms per join`,
    );
    if (mm.bare) {
      lines.push(
        `The same burst into the bare room of 5: all seated after ${fixed(mm.bare.allSeatedMs)} ms, join p99 ${fixed(mm.bare.p99Ms)} ms, ` +
          `failed joins ${mm.bare.failed}, over-full rooms ${mm.bare.overFullRooms}, server CPU ${fixed(mm.bare.cpuMsPerJoin, 2)} ms per join; ` +
          `Typephoon ÷ bare: CPU per join ${fixed(mm.bare.cpuPerJoinRatio, 2)}×, p99 ${fixed(mm.bare.p99Ratio, 2)}×`,
      );
    }
    const lobby = mm.bareLobby;
    if (lobby) {
      lines.push(
        `The same burst into the bare lobby (lobby of 5 -> a bare room's seat): all seated after ${fixed(lobby.allSeatedMs)} ms, ` +
          `all holding their seat after ${fixed(lobby.allInRaceMs)} ms, join p99 ${fixed(lobby.p99Ms)} ms, failed joins ${lobby.failed}, ` +
          `server CPU ${fixed(lobby.cpuMsPerJoin, 2)} ms per join; Typephoon ÷ bare lobby: CPU per join ${fixed(lobby.cpuPerJoinRatio, 2)}×, p99 ${fixed(lobby.p99Ratio, 2)}×` +
          (mm.bare
            ? `; bare lobby ÷ bare room: CPU per join ${fixed(lobby.cpuMsPerJoin / mm.bare.cpuMsPerJoin, 2)}×`
            : ""),
      );
    }
  }
  const so = figures.scaleOut;
  if (so) {
    lines.push(
      "",
      `Scale-out over Redis${results.scaleOutCores ? `, each process capped at ${results.scaleOutCores} of a core` : ""}: 1 process ${fixed(so.one)} racers, 2 processes ${fixed(so.two)} racers: ${fixed(so.ratio, 2)}×; ` +
        `CPU per keystroke, 2 processes summed ÷ 1: ${fixed(so.cpuPerKeyRatio, 2)}× (at ${fixed(so.atRacers)} racers)`,
    );
  }
  const sp = figures.spectators;
  if (sp) {
    const row = (name: string, side: typeof sp.with) =>
      `| ${name} | ${fixed(side.racers)} / ${fixed(side.spectators)} | ${fixed(side.keysPerSec)} | ${fixed(side.messagesOutPerSec)} | ` +
      `${percent(side.serverCore)} | ${fixed(side.cpuSecondsPer1000Keys, 3)} | ${fixed(side.p99Ms, 1)} / ${fixed(side.spectatorP99Ms, 1)} | ` +
      `${percent(side.generatorCores)} | ${side.disconnects} |`;
    lines.push(
      "",
      `Spectators: ${sp.races} races of 5, without and with ${sp.perRace} spectators each, ${sp.rounds} rounds (medians; server idle ${percent(sp.idleCore)})`,
      "",
      "| phase | racers / spectators | keys/s in | msgs/s out | server CPU | CPU-s / 1k keys | p99 ms racers / spectators | generator CPU (max) | disconnects |",
      "|---|---|---|---|---|---|---|---|---|",
      row("without", sp.without),
      row("with", sp.with),
      "",
      `With ${sp.perRace} spectators ÷ without: CPU per keystroke ${fixed(sp.cpuPerKeyRatio, 2)}× ` +
        `(rounds ${fixed(sp.cpuPerKeyRatioRange[0]!, 2)}–${fixed(sp.cpuPerKeyRatioRange[1]!, 2)}×); ` +
        `keys typed ${fixed(sp.keysTyped, 2)}× (${fixed(sp.keysTypedRange[0]!, 2)}–${fixed(sp.keysTypedRange[1]!, 2)}×: below 1, the generators fell behind)`,
    );
  }
  return lines.join("\n");
}
