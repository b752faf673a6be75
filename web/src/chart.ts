/**
 * The geometry of the profile's WPM-over-time chart: races in order along x, wpm up the y axis from
 * 0 to a round maximum, with a few round ticks. Pure, so the SVG code only draws what this returns.
 */

export interface ChartBox {
  width: number;
  height: number;
  /** room for the axis labels on the left and at the bottom */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

export interface ChartGeometry {
  points: Array<{ x: number; y: number }>;
  /** an SVG path through the points ("" without points) */
  line: string;
  /** the y axis' top value */
  max: number;
  ticks: Array<{ y: number; value: number }>;
}

const STEPS = [5, 10, 20, 25, 50, 100];

/** A round step giving 2 to 5 ticks up to `peak`. */
export function tickStep(peak: number): number {
  for (const step of STEPS) if (peak / step <= 5) return step;
  return Math.ceil(peak / 5 / 100) * 100;
}

export function chartGeometry(values: readonly number[], box: ChartBox): ChartGeometry {
  const peak = Math.max(0, ...values);
  const step = tickStep(Math.max(peak, 1));
  const max = Math.max(step, Math.ceil(peak / step) * step);
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const yOf = (value: number) => box.top + plotHeight * (1 - value / max);
  // One race sits in the middle; more spread from edge to edge.
  const xOf = (index: number) =>
    values.length === 1 ? box.left + plotWidth / 2 : box.left + (plotWidth * index) / (values.length - 1);
  const points = values.map((value, index) => ({ x: round1(xOf(index)), y: round1(yOf(value)) }));
  const line = points.map(({ x, y }, index) => `${index === 0 ? "M" : "L"}${x} ${y}`).join(" ");
  const ticks: ChartGeometry["ticks"] = [];
  for (let value = 0; value <= max; value += step) ticks.push({ value, y: round1(yOf(value)) });
  return { points, line, max, ticks };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
