/**
 * Matchmaking by skill as players see it: players with set ratings queue, and how close in rating
 * the lobbies they land in are, against seating the same players at random.
 */
import { createDatabase } from "../../src/db/database.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { type Random, seededRandom } from "./fuzz.ts";
import type { Player } from "./players.ts";

/** `count` ratings from `low` to `high`, evenly apart, in a seeded random order. */
export function spreadRatings(count: number, low: number, high: number, seed: number): number[] {
  const ratings = Array.from({ length: count }, (_, i) => Math.round(low + ((high - low) * i) / (count - 1)));
  return shuffled(ratings, seededRandom(seed));
}

/** Sets each player's shown rating in the database, as the rating update at a race's end would. */
export async function setRatings(players: readonly Player[], ratings: readonly number[]): Promise<void> {
  const db = createDatabase(testDatabaseUrl());
  try {
    await Promise.all(
      players.map(
        (player, i) =>
          db.sql.$executeRaw`UPDATE users SET rating = ${ratings[i]!} WHERE id = ${player.id}::uuid`,
      ),
    );
  } finally {
    await db.close();
  }
}

export interface QueueOutcome {
  /** per player: the lobby they raced from (after any regroup) */
  lobbyOf: string[];
  /** per player: from asking for a seat to their race's `game_start`, ms */
  waitedMs: number[];
  /** how many players moved from a lobby into an older one that accepted them */
  regrouped: number;
}

/** Each player queues `gapMs` after the one before, and waits for their race to be created. */
export async function queueSpread(players: readonly Player[], gapMs: number): Promise<QueueOutcome> {
  const outcomes = await Promise.all(
    players.map(async (player, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * gapMs));
      const asked = Date.now();
      await player.queue();
      await player.waitForGameStart(30_000);
      // the lobby the race started from: a player may have regrouped from the first one
      return { lobby: player.lobby!.roomId, waitedMs: Date.now() - asked };
    }),
  );
  return {
    lobbyOf: outcomes.map(({ lobby }) => lobby),
    waitedMs: outcomes.map(({ waitedMs }) => waitedMs),
    regrouped: players.filter((player) => player.regroupedFrom.length > 0).length,
  };
}

/** The ratings of each lobby's players. */
export function lobbiesOf(lobbyOf: readonly string[], ratings: readonly number[]): number[][] {
  const lobbies = new Map<string, number[]>();
  for (const [i, lobby] of lobbyOf.entries())
    lobbies.set(lobby, [...(lobbies.get(lobby) ?? []), ratings[i]!]);
  return [...lobbies.values()];
}

/**
 * How far apart in rating a seating's racers are: the mean, over every player, of the distance
 * between their rating and their lobby's mean rating.
 */
export function ratingSpread(lobbies: readonly (readonly number[])[]): number {
  let total = 0;
  let players = 0;
  for (const lobby of lobbies) {
    const mean = lobby.reduce((sum, rating) => sum + rating, 0) / lobby.length;
    for (const rating of lobby) total += Math.abs(rating - mean);
    players += lobby.length;
  }
  return total / players;
}

/** The same spread when the same players are seated at random in lobbies of the same sizes, averaged over shuffles. */
export function randomSeatingSpread(
  lobbies: readonly (readonly number[])[],
  shuffles: number,
  seed: number,
): number {
  const random = seededRandom(seed);
  const everyone = lobbies.flat();
  let total = 0;
  for (let round = 0; round < shuffles; round++) {
    const order = shuffled(everyone, random);
    let next = 0;
    const seated = lobbies.map((lobby) => {
      next += lobby.length;
      return order.slice(next - lobby.length, next);
    });
    total += ratingSpread(seated);
  }
  return total / shuffles;
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
