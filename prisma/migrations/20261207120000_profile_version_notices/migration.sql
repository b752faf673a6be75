-- profile_versions: a notice, carrying the user's id, whenever what a profile's version is made of
-- changes (its counts of races played and rated: src/db/profileVersions.ts) or the user goes. Each
-- server process listens, and reads a kept profile without asking PostgreSQL for its version until
-- a notice says it changed. Triggers rather than the writers, so that nothing that writes these
-- rows (another process, a migration, a script) can change a profile unnoticed. Notices are sent
-- at commit; identical ones of one transaction go once.
CREATE FUNCTION notify_profile_version() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_TABLE_NAME = 'user_stats' THEN
        PERFORM pg_notify('profile_versions', (CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END)::text);
    ELSE
        PERFORM pg_notify('profile_versions', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER user_stats_profile_version
AFTER INSERT OR DELETE ON user_stats
FOR EACH ROW EXECUTE FUNCTION notify_profile_version();

CREATE TRIGGER user_stats_played_profile_version
AFTER UPDATE OF played ON user_stats
FOR EACH ROW WHEN (OLD.played IS DISTINCT FROM NEW.played)
EXECUTE FUNCTION notify_profile_version();

CREATE TRIGGER users_profile_version
AFTER DELETE ON users
FOR EACH ROW EXECUTE FUNCTION notify_profile_version();

CREATE TRIGGER users_rated_races_profile_version
AFTER UPDATE OF rated_races ON users
FOR EACH ROW WHEN (OLD.rated_races IS DISTINCT FROM NEW.rated_races)
EXECUTE FUNCTION notify_profile_version();
