-- AlterTable
ALTER TABLE "games" ADD COLUMN     "mode" TEXT NOT NULL DEFAULT 'public';
