/**
 * Matchmaking by skill: which open lobby a queuing player is seated in. A lobby accepts players
 * whose rating is within a distance of its players' mean rating; the distance widens with the
 * lobby's age on a schedule (`SKILL_WINDOWS`), so a lobby nobody close to it joins opens to
 * everyone before its countdown ends. Of the lobbies that accept the player, the closest in rating
 * is taken (ties: the older, which starts sooner); none accepts: the player opens a lobby of their
 * own. Nobody waits longer for it: every lobby starts at its countdown.
 *
 * The window only matters when someone searches, so players already waiting would never meet: at
 * each widening step of its schedule a lobby asks whether an older open lobby would now accept all
 * its players (`regroupTarget`); if one would, its players queue again and the search seats them
 * there (it starts sooner). Only a younger lobby moves into an older one, so the oldest never moves
 * and two lobbies never move into each other.
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

/** An open lobby's listing, as a lobby deciding whether to regroup sees it. */
export interface ListedLobby extends OpenLobby {
  /** seats taken or reserved */
  players: number;
  maxPlayers: number;
}

/** A lobby deciding whether to regroup: when it opened, and its players' ratings. */
export interface RegroupingLobby {
  roomId: string;
  openedAt: number;
  /** one per player; undefined: a player whose seat carried none (the search rates them anew) */
  ratings: readonly (number | undefined)[];
}

/**
 * The older lobby (opened earlier; at the same moment: the smaller roomId) of the same length that
 * would accept every player of `lobby` at `now` — each rating within its window at its age, and a
 * seat for each — the oldest if several (it starts soonest); none: the lobby stays.
 */
export function regroupTarget<Lobby extends ListedLobby>(
  lobby: RegroupingLobby,
  others: readonly Lobby[],
  now: number,
  windows: readonly SkillWindow[],
): Lobby | undefined {
  if (lobby.ratings.length === 0) return undefined;
  const older = (other: Lobby) =>
    other.openedAt < lobby.openedAt || (other.openedAt === lobby.openedAt && other.roomId < lobby.roomId);
  const acceptsAll = (other: Lobby) => {
    if (other.rating === undefined) return true;
    const distance = acceptedDistance(windows, now - other.openedAt);
    return lobby.ratings.every(
      (rating) => rating === undefined || Math.abs(rating - other.rating!) <= distance,
    );
  };
  return others
    .filter(
      (other) =>
        older(other) && other.maxPlayers - other.players >= lobby.ratings.length && acceptsAll(other),
    )
    .sort((a, b) => a.openedAt - b.openedAt || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0))[0];
}
