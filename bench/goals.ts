/**
 * Issue 28's goals, each with its limit, the figure a run measured and PASS or MISS: the one table
 * `npm run bench` ends with. A goal the run did not measure says so and how to measure it, rather
 * than pass or fail on nothing: the ramp of the quick mode stops short of 2,000 racers, spectators
 * and the API have runs of their own.
 */

/** What a run measured, as bench/report.ts figures it (medians over repeats, ratios within each). */
export interface GoalFigures {
  /** the race rooms' patch interval, Typephoon's and the bare room's alike */
  patchMs: number;
  p99LimitMs: number;
  typephoon?: {
    /** racers of the last step within bounds */
    capacity: number;
    /** the largest step the ramp was to measure, had every step been within bounds */
    plannedLargestStep: number;
    /** why the ramp stopped out of bounds; undefined when every step was within */
    outOfBounds?: string;
    /** marginal RSS per racer at the ramp's last step */
    marginalRssKB: number;
  };
  /** Typephoon ÷ a baseline, CPU per keystroke at the largest load both measured */
  cpuPerKey: Partial<Record<"bare" | "naive", { ratio: number; atRacers: number; p99Ms: number }>>;
  spectators?: { perRace: number; cpuPerKeyRatio: number };
  joins?: {
    joins: number;
    p99Ratio: number;
    cpuPerJoinRatio: number;
    /** Typephoon ÷ the bare lobby: the protocol's lobby -> race seat in the framework alone */
    bareLobby?: { p99Ratio: number; cpuPerJoinRatio: number };
  };
}

export type Verdict = "PASS" | "MISS" | "not measured";

export interface GoalLine {
  goal: string;
  limit: string;
  measured: string;
  verdict: Verdict;
}

/** Issue 28's limits. */
export const GOALS = {
  cpuPerKeyVsNaive: 0.9,
  cpuPerKeyVsBare: 1.1,
  racersPerProcess: 2000,
  marginalRssKB: 100,
  spectators: { perRace: 50, cpuPerKey: 1.5 },
  joinVsBare: 1.3,
} as const;

const ratio = (value: number) => `${value.toFixed(2)}×`;
const atMost = (value: number, limit: number): Verdict =>
  Number.isFinite(value) ? (value <= limit ? "PASS" : "MISS") : "not measured";

export function judgeGoals(figures: GoalFigures): GoalLine[] {
  const lines: GoalLine[] = [];
  const cpuPerKey = (other: "naive" | "bare", limit: number, title: string) => {
    const measured = figures.cpuPerKey[other];
    if (!measured || !Number.isFinite(measured.ratio)) {
      lines.push({
        goal: title,
        limit: `≤ ${limit}×`,
        measured: `not run (--systems typephoon,${other})`,
        verdict: "not measured",
      });
      return;
    }
    const latencyHolds = measured.p99Ms <= figures.p99LimitMs;
    lines.push({
      goal: title,
      limit: `≤ ${limit}×, p99 ≤ ${figures.p99LimitMs} ms`,
      measured: `${ratio(measured.ratio)} at ${measured.atRacers} racers, p99 ${measured.p99Ms.toFixed(0)} ms`,
      verdict: atMost(measured.ratio, limit) === "PASS" && latencyHolds ? "PASS" : "MISS",
    });
  };
  cpuPerKey("naive", GOALS.cpuPerKeyVsNaive, "CPU per keystroke ÷ naive relay");
  cpuPerKey(
    "bare",
    GOALS.cpuPerKeyVsBare,
    `CPU per keystroke ÷ bare room (both ${figures.patchMs} ms patches)`,
  );

  const typephoon = figures.typephoon;
  const capacityLine = (measured: string, verdict: Verdict) =>
    lines.push({
      goal: "racers per process",
      limit: `≥ ${GOALS.racersPerProcess} at p99 ≤ ${figures.p99LimitMs} ms`,
      measured,
      verdict,
    });
  const stopped = typephoon?.outOfBounds ? ` (the next step: ${typephoon.outOfBounds})` : "";
  if (!typephoon) capacityLine("not run", "not measured");
  else if (typephoon.capacity >= GOALS.racersPerProcess) capacityLine(`${typephoon.capacity}`, "PASS");
  else if (typephoon.plannedLargestStep < GOALS.racersPerProcess) {
    capacityLine(
      `not measured, use bench:full: the ramp stops at ${typephoon.plannedLargestStep}; ${typephoon.capacity} within bounds${stopped}`,
      "not measured",
    );
  } else capacityLine(`${typephoon.capacity}${stopped}`, "MISS");
  lines.push({
    goal: "marginal memory per racer",
    limit: `≤ ${GOALS.marginalRssKB} KB`,
    measured:
      typephoon && Number.isFinite(typephoon.marginalRssKB)
        ? `${typephoon.marginalRssKB.toFixed(0)} KB`
        : "not measured (needs 2 ramp steps)",
    verdict: atMost(typephoon?.marginalRssKB ?? Number.NaN, GOALS.marginalRssKB),
  });

  const spectators = figures.spectators;
  lines.push({
    goal: `${GOALS.spectators.perRace} spectators a race, CPU per keystroke ÷ none`,
    limit: `≤ ${GOALS.spectators.cpuPerKey}×`,
    measured: spectators
      ? `${ratio(spectators.cpuPerKeyRatio)} with ${spectators.perRace} a race`
      : `not run (--spectators ${GOALS.spectators.perRace})`,
    verdict:
      spectators?.perRace === GOALS.spectators.perRace
        ? atMost(spectators.cpuPerKeyRatio, GOALS.spectators.cpuPerKey)
        : "not measured",
  });

  const joins = figures.joins;
  type Ratios = { p99Ratio: number; cpuPerJoinRatio: number };
  for (const [goal, pick] of [
    ["join p99 ÷ bare room", (j: Ratios) => j.p99Ratio],
    ["CPU per join ÷ bare room", (j: Ratios) => j.cpuPerJoinRatio],
  ] as const) {
    // Beside the verdict, for what is Typephoon's own: the same ratio against the bare lobby.
    const lobby = joins?.bareLobby ? `; ÷ the bare lobby ${ratio(pick(joins.bareLobby))}` : "";
    lines.push({
      goal,
      limit: `≤ ${GOALS.joinVsBare}×`,
      measured: joins
        ? `${ratio(pick(joins))} (${joins.joins}-join burst${lobby})`
        : "not run (matchmaking was off)",
      verdict: joins ? atMost(pick(joins), GOALS.joinVsBare) : "not measured",
    });
  }
  lines.push({
    goal: "API reads at 1,000 req/s, throughput per core",
    limit: "p99 ≤ 10 ms and ≤ 1.5× plain pg; ≥ 0.5× Express",
    measured: "run npm run bench:api",
    verdict: "not measured",
  });
  return lines;
}

export function goalsText(lines: readonly GoalLine[]): string {
  return [
    "| goal (issue 28) | limit | measured | verdict |",
    "|---|---|---|---|",
    ...lines.map((line) => `| ${line.goal} | ${line.limit} | ${line.measured} | ${line.verdict} |`),
  ].join("\n");
}
