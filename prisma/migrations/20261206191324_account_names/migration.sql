-- A name the player chose on the account page is kept over the provider's at later sign-ins.
-- AlterTable
ALTER TABLE "users" ADD COLUMN     "name_chosen_at" TIMESTAMPTZ(3);
