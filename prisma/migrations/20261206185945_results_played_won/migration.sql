-- Every race a player has a result in shows in their history, newest first (played_at: the game's
-- start); a win is decided by the race (won); averages count finished, unflagged races; user_stats
-- also counts every race played. The rules are src/game/race/result.ts and src/game/race/race.ts;
-- the backfill below applies them to what is stored.

-- DropIndex
DROP INDEX "game_results_user_timeline_idx";

-- AlterTable
ALTER TABLE "game_results" ADD COLUMN     "played_at" TIMESTAMPTZ(3),
ADD COLUMN     "won" BOOLEAN NOT NULL DEFAULT false;

UPDATE "game_results" AS r
SET "played_at" = g."starts_at",
    "won" = (r."rank" = 1 AND NOT r."flagged" AND g."player_count" >= 2)
FROM "games" AS g
WHERE g."id" = r."game_id";

ALTER TABLE "game_results" ALTER COLUMN "played_at" SET NOT NULL;

-- AlterTable
ALTER TABLE "user_stats" ADD COLUMN     "played" INTEGER NOT NULL DEFAULT 0;

DELETE FROM "user_stats";
INSERT INTO "user_stats" ("user_id", "played", "races", "races_won", "wpm_centis", "acc_centis", "typing_ms")
SELECT "user_id", count(*),
       count(*) FILTER (WHERE "rank" IS NOT NULL AND NOT "flagged"),
       count(*) FILTER (WHERE "won"),
       coalesce(sum(round("wpm" * 100)) FILTER (WHERE "rank" IS NOT NULL AND NOT "flagged"), 0)::bigint,
       coalesce(sum(round("acc" * 100)) FILTER (WHERE "rank" IS NOT NULL AND NOT "flagged"), 0)::bigint,
       coalesce(sum("duration_ms") FILTER (WHERE NOT "flagged"), 0)::bigint
FROM "game_results"
GROUP BY "user_id";

-- CreateIndex
CREATE INDEX "game_results_user_timeline_idx" ON "game_results"("user_id", "finished_at", "game_id", "rank", "flagged", "wpm", "wpm_raw", "acc", "acc_raw");

-- CreateIndex
CREATE INDEX "game_results_user_history_idx" ON "game_results"("user_id", "played_at", "game_id");
