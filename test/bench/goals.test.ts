import assert from "node:assert/strict";
import { GOALS, type GoalFigures, judgeGoals, type Verdict } from "../../bench/goals.ts";

/** A quick run that met every goal it measured: 1,500 racers, all within bounds. */
const met: GoalFigures = {
  patchMs: 50,
  p99LimitMs: 150,
  typephoon: { capacity: 1500, plannedLargestStep: 1500, marginalRssKB: 60 },
  cpuPerKey: {
    naive: { ratio: 0.85, atRacers: 1500, p99Ms: 70 },
    bare: { ratio: 1.05, atRacers: 1500, p99Ms: 70 },
  },
  joins: { joins: 1000, p99Ratio: 1.2, cpuPerJoinRatio: 1.25 },
};

const verdicts = (figures: GoalFigures): Record<string, Verdict> =>
  Object.fromEntries(judgeGoals(figures).map((line) => [line.goal, line.verdict]));
const verdictOf = (figures: GoalFigures, goalStart: string): Verdict => {
  const found = Object.entries(verdicts(figures)).find(([goal]) => goal.startsWith(goalStart));
  assert.ok(found, `no goal starting "${goalStart}"`);
  return found[1];
};

describe("bench goals (issue 28)", () => {
  it("passes what a run measured within its limit, and never passes what it did not measure", () => {
    assert.deepEqual(verdicts(met), {
      "CPU per keystroke ÷ naive relay": "PASS",
      "CPU per keystroke ÷ bare room (both 50 ms patches)": "PASS",
      "racers per process": "not measured",
      "marginal memory per racer": "PASS",
      "50 spectators a race, CPU per keystroke ÷ none": "not measured",
      "join p99 ÷ bare room": "PASS",
      "CPU per join ÷ bare room": "PASS",
      "API reads at 1,000 req/s, throughput per core": "not measured",
    });
  });

  it("misses a cheap keystroke whose opponents see it after more than the p99 limit", () => {
    const late = { ...met, cpuPerKey: { naive: { ratio: 0.7, atRacers: 1500, p99Ms: 151 } } };
    assert.equal(verdictOf(late, "CPU per keystroke ÷ naive"), "MISS");
    assert.equal(verdictOf(late, "CPU per keystroke ÷ bare"), "not measured");
  });

  it("misses each ratio over its limit, the limit itself included as met", () => {
    const over: GoalFigures = {
      ...met,
      cpuPerKey: {
        naive: { ratio: GOALS.cpuPerKeyVsNaive, atRacers: 1500, p99Ms: 70 },
        bare: { ratio: 1.11, atRacers: 1500, p99Ms: 70 },
      },
      typephoon: { ...met.typephoon!, marginalRssKB: 101 },
      joins: { joins: 1000, p99Ratio: 1.31, cpuPerJoinRatio: 1.3 },
      spectators: { perRace: 50, cpuPerKeyRatio: 1.55 },
    };
    assert.equal(verdictOf(over, "CPU per keystroke ÷ naive"), "PASS");
    assert.equal(verdictOf(over, "CPU per keystroke ÷ bare"), "MISS");
    assert.equal(verdictOf(over, "marginal memory"), "MISS");
    assert.equal(verdictOf(over, "join p99"), "MISS");
    assert.equal(verdictOf(over, "CPU per join"), "PASS");
    assert.equal(verdictOf(over, "50 spectators"), "MISS");
  });

  it("judges capacity only from a ramp planned to reach 2,000 racers", () => {
    const full = { ...met, typephoon: { ...met.typephoon!, plannedLargestStep: 3000 } };
    assert.equal(
      verdictOf({ ...full, typephoon: { ...full.typephoon, capacity: 2000 } }, "racers per"),
      "PASS",
    );
    const stopped = { ...full.typephoon, capacity: 1750, outOfBounds: "p99 180 ms > 150 ms" };
    assert.equal(verdictOf({ ...full, typephoon: stopped }, "racers per"), "MISS");
    // The quick ramp stops at 1,500: within bounds or not, it says what it saw and where to look.
    const quick = { ...met, typephoon: { ...stopped, plannedLargestStep: 1500, capacity: 1000 } };
    assert.equal(verdictOf(quick, "racers per"), "not measured");
    const line = judgeGoals(quick).find((goal) => goal.goal === "racers per process")!;
    assert.match(line.measured, /^not measured, use bench:full: .*1000 within bounds .*p99 180 ms/);
  });

  it("judges joins against the bare room, with the bare lobby's ratio beside the verdict", () => {
    const joins = {
      joins: 1000,
      p99Ratio: 1.6,
      cpuPerJoinRatio: 1.5,
      bareLobby: { p99Ratio: 1.05, cpuPerJoinRatio: 1.12 },
    };
    const lines = judgeGoals({ ...met, joins });
    const cpu = lines.find((goal) => goal.goal === "CPU per join ÷ bare room")!;
    assert.equal(cpu.verdict, "MISS");
    assert.equal(cpu.measured, "1.50× (1000-join burst; ÷ the bare lobby 1.12×)");
    const p99 = lines.find((goal) => goal.goal === "join p99 ÷ bare room")!;
    assert.equal(p99.measured, "1.60× (1000-join burst; ÷ the bare lobby 1.05×)");
  });

  it("does not judge spectators measured at another count than the goal's", () => {
    assert.equal(
      verdictOf({ ...met, spectators: { perRace: 10, cpuPerKeyRatio: 1.2 } }, "50 spectators"),
      "not measured",
    );
  });
});
