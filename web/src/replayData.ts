/**
 * A race's replay (`GET /api/v1/games/:gameId/replay`) as the page uses it: each player's keys as
 * the typing engine takes them, and what the charts draw of them. Pure (no DOM, no chart library),
 * so it is tested in Node.
 */
import type { ReplayResponse } from "../../src/api/contracts/games.ts";
import type { LoggedKey } from "../../src/game/keystrokeLog.ts";
import type { Timeline, WordSpeed } from "../../src/game/raceCharts.ts";

export type ReplayPlayer = ReplayResponse["players"][number] & {
  keys: LoggedKey[];
  /** ms since the start of their last key: their finish, or where they stopped */
  lastKeyAt: number;
};

export function playersOf(replay: ReplayResponse): ReplayPlayer[] {
  return replay.players.map((player) => {
    const keys = player.keystrokes.map(([at, key]) => ({ at, key }));
    return { ...player, keys, lastKeyAt: keys.at(-1)?.at ?? 0 };
  });
}

/** How long the replay runs: to the last key anyone typed. */
export function replayLength(players: readonly ReplayPlayer[]): number {
  return Math.max(0, ...players.map((player) => player.lastKeyAt));
}

/** The indexes of the `count` slowest words (the slower first among equals, by their place in the text). */
export function slowestWords(speeds: readonly WordSpeed[], count: number): Set<number> {
  const slowest = [...speeds].sort((a, b) => a.wpm - b.wpm || a.index - b.index).slice(0, count);
  return new Set(slowest.map((speed) => speed.index));
}

/**
 * Timelines of different moments on one axis, as a chart takes them: the moments of all of them in
 * order, and each one's values there (null where it has no moment: a line spans the gap).
 */
export function alignedTimelines(
  timelines: ReadonlyArray<Pick<Timeline, "seconds">>,
  value: (timeline: number, moment: number) => number,
): { seconds: number[]; values: Array<Array<number | null>> } {
  const seconds = [...new Set(timelines.flatMap((timeline) => timeline.seconds))].sort((a, b) => a - b);
  const values = timelines.map((timeline, t) => {
    const at = new Map(timeline.seconds.map((second, moment) => [second, moment]));
    return seconds.map((second) => {
      const moment = at.get(second);
      return moment === undefined ? null : value(t, moment);
    });
  });
  return { seconds, values };
}

/** "m:ss.t" of a replay's playhead. */
export function playheadTime(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = Math.floor((tenths % 600) / 10);
  return `${minutes}:${String(seconds).padStart(2, "0")}.${tenths % 10}`;
}
