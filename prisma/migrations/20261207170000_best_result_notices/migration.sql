-- user_changes also whenever a player's bests change, and when a user's guest flag does, whatever
-- writes them: the kept boards (src/db/keptBoards.ts) hold best_results' order, and copy the flag
-- (the all-time board lists registered players only). A best written with the player's statistics,
-- as every writer of this code does, sends one notice: PostgreSQL sends a transaction's identical
-- notices once.
CREATE OR REPLACE FUNCTION notify_user_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('user_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
    ELSE
        PERFORM pg_notify('user_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END)::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER best_results_user_change
AFTER INSERT OR UPDATE OR DELETE ON best_results
FOR EACH ROW EXECUTE FUNCTION notify_user_change();

CREATE TRIGGER users_guest_user_change
AFTER UPDATE OF guest ON users
FOR EACH ROW WHEN (OLD.guest IS DISTINCT FROM NEW.guest)
EXECUTE FUNCTION notify_user_change();
