/**
 * Matchmaking by skill: which open lobby a queuing player is seated in. A lobby accepts players
 * whose rating is within a distance of its players' mean rating; the distance widens with the
 * lobby's age on a schedule (`SKILL_WINDOWS`), so a lobby nobody close to it joins opens to
 * everyone before its countdown ends. Of the lobbies that accept the player, the closest in rating
 * is taken (ties: the older, which starts sooner); none accepts: the player opens a lobby of their
 * own. Nobody waits longer for it: every lobby starts at its countdown.
 */

/** From `fromMs` of a lobby's age on, it accepts ratings within `distance` of its mean. */
export interface SkillWindow {
  fromMs: number;
  /** Infinity: anyone */
  distance: number;
}

/** ±100 at once, ±250 after 3 s, anyone after 6 s. */
export const DEFAULT_SKILL_WINDOWS = "0:100,3000:250,6000:any";

/**
 * Reads a schedule such as `0:100,3000:250,6000:any` (age in ms : distance in rating points, or
 * `any`): it starts at age 0, and both ages and distances grow from step to step. Throws an Error
 * saying what is wrong.
 */
export function parseSkillWindows(text: string): SkillWindow[] {
  const windows = text.split(",").map((step) => {
    const match = /^\s*(\d+)\s*:\s*(\d+|any)\s*$/.exec(step);
    if (!match) throw new Error(`"${step.trim()}" is not age-ms:distance (a number or any)`);
    return { fromMs: Number(match[1]), distance: match[2] === "any" ? Infinity : Number(match[2]) };
  });
  if (windows[0]!.fromMs !== 0) throw new Error("the first step must start at age 0");
  windows.forEach((window, i) => {
    const before = windows[i - 1];
    if (before && !(window.fromMs > before.fromMs && window.distance > before.distance)) {
      throw new Error("each step must start later than the one before and accept a wider distance");
    }
  });
  return windows;
}

/** How far from its mean rating a lobby of this age accepts a player. */
export function acceptedDistance(windows: readonly SkillWindow[], ageMs: number): number {
  let distance = windows[0]!.distance;
  for (const window of windows) if (ageMs >= window.fromMs) distance = window.distance;
  return distance;
}

/** What the search knows of an open lobby (from its listing). */
export interface OpenLobby {
  roomId: string;
  /** its players' mean rating; undefined: nobody in it has one yet (it accepts anyone) */
  rating: number | undefined;
  /** when it opened, ms since the epoch */
  openedAt: number;
}

/** The lobbies that accept a player of `rating` at `now`, best first: closest in rating, then oldest. */
export function lobbiesFor<Lobby extends OpenLobby>(
  rating: number,
  lobbies: readonly Lobby[],
  now: number,
  windows: readonly SkillWindow[],
): Lobby[] {
  const distanceTo = (lobby: Lobby) =>
    lobby.rating === undefined ? Infinity : Math.abs(rating - lobby.rating);
  return lobbies
    .filter(
      (lobby) =>
        lobby.rating === undefined || distanceTo(lobby) <= acceptedDistance(windows, now - lobby.openedAt),
    )
    .sort(
      (a, b) =>
        distanceTo(a) - distanceTo(b) ||
        a.openedAt - b.openedAt ||
        (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0),
    );
}
