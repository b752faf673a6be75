/**
 * Skill ratings from public races (openskill's Weng-Lin Plackett-Luce model, made for many-player
 * free-for-all results):
 *
 * - Every player has `mu` and `sigma`, starting at the library's defaults (25 and 25/3).
 * - The **rating** shown is `1000 + 40 × (mu − 3·sigma)`, rounded: the conservative ordinal
 *   (99.7 % sure the skill is at least that), scaled so that a newcomer shows 1000.
 * - A player is **provisional** for their first `PROVISIONAL_RACES` rated races.
 * - A race is **rated** when it is public, at least two of its players started typing and one of
 *   them finished (`ratedStandings`). The finish order is the ranking; everyone who did not finish
 *   ties for last; a player who never typed a key, or whose result is flagged, is left out.
 */
import { rating as newRating, rate } from "openskill";
import { PROVISIONAL_RACES } from "../protocol.ts";

export interface Skill {
  mu: number;
  sigma: number;
}

/** Where every player starts: the library's defaults. */
export const NEW_SKILL: Readonly<Skill> = newRating();
const RATING_OFFSET = 1000;
const RATING_SCALE = 40;

/** The rating shown for a skill. */
export function shownRating({ mu, sigma }: Skill): number {
  return Math.round(RATING_OFFSET + RATING_SCALE * (mu - 3 * sigma));
}

/** What a newcomer shows: 1000. */
export const NEWCOMER_RATING = shownRating(NEW_SKILL);

export const isProvisional = (ratedRaces: number): boolean => ratedRaces < PROVISIONAL_RACES;

/** What the rating reads of one player's result in a race. */
export interface RatedResult {
  userId: string;
  /** finishing place; null: did not finish */
  rank: number | null;
  flagged: boolean;
  /** the player typed at least one key */
  typed: boolean;
}

/** A player's place in a rated race: 1 is first; everyone who did not finish shares the last. */
export interface Standing {
  userId: string;
  place: number;
}

/** The standings a race is rated on, or none when it is not a rated race. */
export function ratedStandings(mode: string, results: readonly RatedResult[]): Standing[] {
  if (mode !== "public") return [];
  const rated = results.filter((result) => result.typed && !result.flagged);
  if (rated.length < 2) return [];
  const finishers = rated.filter((result) => result.rank !== null).sort((a, b) => a.rank! - b.rank!);
  // Nobody finished: no finish order to learn from (all tied, everyone's sigma would shrink and
  // every rating rise for a race nobody completed).
  if (finishers.length === 0) return [];
  const last = finishers.length + 1;
  return rated.map((result) => ({
    userId: result.userId,
    place: result.rank === null ? last : finishers.indexOf(result) + 1,
  }));
}

/** Each player's skill after a race with these standings, from their skill before it. */
export function rateRace(
  standings: readonly Standing[],
  before: ReadonlyMap<string, Skill>,
): Map<string, Skill> {
  const teams = standings.map(({ userId }) => {
    const { mu, sigma } = before.get(userId) ?? NEW_SKILL;
    return [{ mu, sigma }];
  });
  const after = rate(teams, { rank: standings.map(({ place }) => place) });
  return new Map(standings.map(({ userId }, i) => [userId, after[i]![0]!]));
}
