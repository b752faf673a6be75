-- DropIndex
DROP INDEX "game_results_user_id_finished_at_idx";

-- AlterTable
ALTER TABLE "game_results" ADD COLUMN     "is_personal_best" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "best_results" (
    "user_id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "period_start" DATE NOT NULL,
    "word_count" INTEGER NOT NULL,
    "game_id" UUID NOT NULL,
    "wpm" DOUBLE PRECISION NOT NULL,
    "wpm_raw" DOUBLE PRECISION NOT NULL,
    "acc" DOUBLE PRECISION NOT NULL,
    "acc_raw" DOUBLE PRECISION NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "guest" BOOLEAN NOT NULL,

    CONSTRAINT "best_results_pkey" PRIMARY KEY ("user_id","period","word_count","period_start")
);

-- CreateTable
CREATE TABLE "user_stats" (
    "user_id" UUID NOT NULL,
    "races" INTEGER NOT NULL,
    "races_won" INTEGER NOT NULL,
    "wpm_centis" BIGINT NOT NULL,
    "acc_centis" BIGINT NOT NULL,
    "typing_ms" BIGINT NOT NULL,

    CONSTRAINT "user_stats_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "best_results_leaderboard_idx" ON "best_results"("period", "period_start", "word_count", "wpm" DESC, "acc" DESC, "finished_at", "user_id", "guest");

-- CreateIndex
CREATE INDEX "game_results_user_timeline_idx" ON "game_results"("user_id", "finished_at", "game_id", "rank", "wpm", "wpm_raw", "acc", "acc_raw");

-- AddForeignKey
ALTER TABLE "best_results" ADD CONSTRAINT "best_results_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_stats" ADD CONSTRAINT "user_stats_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill the aggregates of the results recorded before this migration, by the rules of
-- src/db/bests.ts (rebuildAggregates): only finished races count, personal bests and leaderboards
-- skip flagged ones, and the best result is the highest wpm, then accuracy, then the earlier finish.
UPDATE "game_results" AS r SET "is_personal_best" = true
FROM (
    SELECT "game_id", "user_id",
           "wpm" > coalesce(max("wpm") OVER (
               PARTITION BY "user_id", "word_count" ORDER BY "finished_at", "game_id"
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -1) AS "beats_earlier"
    FROM "game_results"
    WHERE "rank" IS NOT NULL AND NOT "flagged"
) AS p
WHERE p."beats_earlier" AND r."game_id" = p."game_id" AND r."user_id" = p."user_id";

INSERT INTO "user_stats" ("user_id", "races", "races_won", "wpm_centis", "acc_centis", "typing_ms")
SELECT "user_id", count(*), count(*) FILTER (WHERE "rank" = 1),
       sum(round("wpm" * 100))::bigint, sum(round("acc" * 100))::bigint, sum("duration_ms")
FROM "game_results"
WHERE "rank" IS NOT NULL
GROUP BY "user_id";

INSERT INTO "best_results"
    ("user_id", "period", "period_start", "word_count", "game_id", "wpm", "wpm_raw", "acc", "acc_raw", "finished_at", "guest")
SELECT DISTINCT ON (r."user_id", p."period", r."word_count", p."start")
       r."user_id", p."period", p."start", r."word_count", r."game_id", r."wpm", r."wpm_raw", r."acc", r."acc_raw",
       r."finished_at", u."guest"
FROM "game_results" AS r
JOIN "users" AS u ON u."id" = r."user_id"
CROSS JOIN LATERAL (VALUES
    ('all', DATE '1970-01-01'),
    ('day', (r."finished_at" AT TIME ZONE 'UTC')::date),
    ('week', date_trunc('week', r."finished_at" AT TIME ZONE 'UTC')::date)
) AS p ("period", "start")
WHERE r."rank" IS NOT NULL AND NOT r."flagged"
ORDER BY r."user_id", p."period", r."word_count", p."start",
         r."wpm" DESC, r."acc" DESC, r."finished_at", r."game_id";
