-- AlterTable
ALTER TABLE "game_results" ADD COLUMN     "rating_after" INTEGER,
ADD COLUMN     "rating_before" INTEGER;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "mu" DOUBLE PRECISION NOT NULL DEFAULT 25,
ADD COLUMN     "rated_races" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rating" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "sigma" DOUBLE PRECISION NOT NULL DEFAULT 8.333333333333334;

-- CreateIndex
CREATE INDEX "users_rating_idx" ON "users"("rating" DESC, "id");
