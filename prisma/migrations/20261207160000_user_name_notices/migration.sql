-- user_changes also when a user is renamed: the kept boards (src/db/keptBoards.ts) show players'
-- names beside their places. Their bests change only with user_stats, in the same transaction
-- (src/db/races.ts, src/db/bests.ts), whose notices come already.
CREATE TRIGGER users_name_user_change
AFTER UPDATE OF name ON users
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION notify_user_change();
