-- CreateIndex
CREATE INDEX "games_status_created_idx" ON "games"("status", "created_at");
