/*
  Warnings:

  - Added the required column `duration_ms` to the `game_results` table without a default value. This is not possible if the table is not empty.
  - Added the required column `keystrokes` to the `game_results` table without a default value. This is not possible if the table is not empty.
  - Added the required column `word_count` to the `game_results` table without a default value. This is not possible if the table is not empty.
  - Added the required column `player_count` to the `games` table without a default value. This is not possible if the table is not empty.
  - Added the required column `word_count` to the `games` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "game_results" ADD COLUMN     "duration_ms" INTEGER NOT NULL,
ADD COLUMN     "flagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "keystrokes" BYTEA NOT NULL,
ADD COLUMN     "word_count" INTEGER NOT NULL,
ALTER COLUMN "wpm" SET DATA TYPE DOUBLE PRECISION,
ALTER COLUMN "wpm_raw" SET DATA TYPE DOUBLE PRECISION,
ALTER COLUMN "acc" SET DATA TYPE DOUBLE PRECISION,
ALTER COLUMN "acc_raw" SET DATA TYPE DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "games" ADD COLUMN     "player_count" INTEGER NOT NULL,
ADD COLUMN     "word_count" INTEGER NOT NULL;
