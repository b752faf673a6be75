/**
 * The page's charts, drawn by uPlot (a small, fast canvas chart made for time series): a race's
 * timeline (net wpm, raw wpm and errors second by second, other players' net wpm faint), and a
 * profile's wpm and rating over its last races. Each is drawn at its container's width when drawn.
 */
import uPlot from "uplot";
import type { Timeline } from "../../src/game/raceCharts.ts";
import { alignedTimelines } from "./replayData.ts";

const HEIGHT = 240;
const MIN_WIDTH = 280;
/** Whole steps on the x axes: seconds of a race, races of a profile. */
const WHOLE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

/** wpm from 0 (as Monkeytype's chart) to a round number above the fastest. */
const wpmRange: uPlot.Range.Function = (_, __, max) => [0, Math.max(20, Math.ceil((max ?? 0) / 20) * 20)];

/** A colour of the stylesheet (web/src/styles.css), so that charts follow its palette. */
const colour = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Ratings move around 1000, not from 0: a range around them, in whole fifties. */
const ratingRange: uPlot.Range.Function = (_, min, max) => [
  Math.floor(((min ?? 1000) - 10) / 50) * 50,
  Math.ceil(((max ?? 1000) + 10) / 50) * 50,
];

function axes(): uPlot.Axis[] {
  const grid = { stroke: colour("--line"), width: 1 };
  const ticks = { stroke: colour("--line"), width: 1 };
  const stroke = colour("--muted");
  return [
    { stroke, grid, ticks, incrs: WHOLE_STEPS },
    { stroke, grid, ticks, label: "wpm", labelSize: 20, size: 44 },
  ];
}

function draw(
  container: HTMLElement,
  options: Omit<uPlot.Options, "width" | "height">,
  data: uPlot.AlignedData,
) {
  container.replaceChildren();
  const width = Math.max(MIN_WIDTH, container.clientWidth);
  return new uPlot({ ...options, width, height: HEIGHT }, data, container);
}

export interface TimelineLine {
  name: string;
  timeline: Timeline;
}

/**
 * The chosen player's net wpm, raw wpm and errors, second by second, with the other players' net
 * wpm as faint lines behind.
 */
export function drawTimeline(
  container: HTMLElement,
  chosen: TimelineLine,
  others: readonly TimelineLine[],
): void {
  const lines = [chosen, ...others];
  const { seconds, values } = alignedTimelines(
    lines.map((line) => line.timeline),
    (t, moment) => lines[t]!.timeline.wpm[moment]!,
  );
  const own = new Map(chosen.timeline.seconds.map((second, moment) => [second, moment]));
  const ownAt = (value: (moment: number) => number | null) =>
    seconds.map((second) => {
      const moment = own.get(second);
      return moment === undefined ? null : value(moment);
    });
  const faint = colour("--untyped");
  draw(
    container,
    {
      class: "race-chart",
      scales: {
        x: { time: false },
        y: { range: wpmRange },
        errors: { range: (_, __, max) => [0, Math.max(4, max ?? 0)] },
      },
      axes: [
        ...axes(),
        {
          scale: "errors",
          side: 1,
          stroke: colour("--wrong"),
          grid: { show: false },
          size: 36,
          label: "errors",
        },
      ],
      series: [
        { label: "s", value: (_, second) => (second === null ? "—" : `${second} s`) },
        { label: `${chosen.name}: wpm`, stroke: colour("--accent"), width: 2.5, spanGaps: true },
        { label: "raw", stroke: colour("--muted"), width: 1.5, dash: [6, 4], spanGaps: true },
        {
          label: "errors",
          scale: "errors",
          stroke: colour("--wrong"),
          paths: () => null,
          points: { show: true, size: 7, fill: colour("--wrong"), stroke: colour("--wrong") },
        },
        ...others.map((other) => ({
          label: other.name,
          stroke: faint,
          width: 1,
          spanGaps: true,
          alpha: 0.45,
        })),
      ],
    },
    [
      seconds,
      values[0]!,
      ownAt((moment) => chosen.timeline.raw[moment]!),
      // A second without errors has no dot.
      ownAt((moment) => chosen.timeline.errors[moment] || null),
      ...values.slice(1),
    ],
  );
}

/** A player's wpm over their last races, oldest on the left, a dot per race. */
export function drawWpmOverRaces(container: HTMLElement, wpms: readonly number[]): void {
  const accent = colour("--accent");
  draw(
    container,
    {
      class: "wpm-over-races",
      scales: { x: { time: false, range: [0.5, wpms.length + 0.5] }, y: { range: wpmRange } },
      axes: [{ ...axes()[0], label: "races, older to newer", labelSize: 20 }, axes()[1]!],
      series: [
        { label: "race" },
        {
          label: "wpm",
          stroke: accent,
          width: 2.5,
          points: { show: true, size: wpms.length > 100 ? 3 : 7, fill: accent, stroke: accent },
        },
      ],
    },
    [wpms.map((_, i) => i + 1), [...wpms]],
  );
}

/** A player's rating after each of their last rated races, oldest on the left, a dot per race. */
export function drawRatingOverRaces(container: HTMLElement, ratings: readonly number[]): void {
  const accent = colour("--accent");
  draw(
    container,
    {
      class: "rating-over-races",
      scales: { x: { time: false, range: [0.5, ratings.length + 0.5] }, y: { range: ratingRange } },
      axes: [
        { ...axes()[0], label: "rated races, older to newer", labelSize: 20 },
        { ...axes()[1], label: "rating", size: 52 },
      ],
      series: [
        { label: "race" },
        {
          label: "rating",
          stroke: accent,
          width: 2.5,
          points: { show: true, size: ratings.length > 100 ? 3 : 7, fill: accent, stroke: accent },
        },
      ],
    },
    [ratings.map((_, i) => i + 1), [...ratings]],
  );
}
