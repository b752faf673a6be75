/** Race results written straight to PostgreSQL, as the race room leaves them, for stories about accounts. */
import { randomUUID } from "node:crypto";
import type { Database } from "../../src/db/database.ts";

/** A finished race of one player, written as the race room writes it. */
export async function playedRace(db: Database, userId: string, wpm: number, gameId = randomUUID()) {
  await db.prisma.game.upsert({
    where: { id: gameId },
    create: {
      id: gameId,
      words: ["the", "quick", "fox"],
      wordCount: 3,
      playerCount: 2,
      status: "finished",
      startsAt: new Date(),
    },
    update: {},
  });
  await db.prisma.gameResult.create({
    data: {
      gameId,
      userId,
      rank: 1,
      wpm,
      wpmRaw: wpm,
      acc: 100,
      accRaw: 100,
      finishedAt: new Date(),
      playedAt: new Date(),
      won: true,
      wordCount: 3,
      durationMs: 5000,
      keystrokes: new Uint8Array([1]),
    },
  });
  return gameId;
}
