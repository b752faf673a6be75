-- user_changes: the notices of profile_versions (20261207120000), under a name for all they now
-- say, and also when a guest's races move into an account (`merged_into` set). A process keeps
-- what it reads about a user (a profile's version, whether the user may still act:
-- src/db/userNotices.ts) until a notice about that user comes.
ALTER FUNCTION notify_profile_version() RENAME TO notify_user_change;

CREATE OR REPLACE FUNCTION notify_user_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_TABLE_NAME = 'user_stats' THEN
        PERFORM pg_notify('user_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END)::text);
    ELSE
        PERFORM pg_notify('user_changes', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
    END IF;
    RETURN NULL;
END;
$$;

ALTER TRIGGER user_stats_profile_version ON user_stats RENAME TO user_stats_user_change;
ALTER TRIGGER user_stats_played_profile_version ON user_stats RENAME TO user_stats_played_user_change;
ALTER TRIGGER users_profile_version ON users RENAME TO users_user_change;
ALTER TRIGGER users_rated_races_profile_version ON users RENAME TO users_rated_races_user_change;

CREATE TRIGGER users_merged_into_user_change
AFTER UPDATE OF merged_into ON users
FOR EACH ROW WHEN (OLD.merged_into IS DISTINCT FROM NEW.merged_into)
EXECUTE FUNCTION notify_user_change();
