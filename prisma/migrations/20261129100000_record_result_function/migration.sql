-- record_result: one call records a player's result and adds it to the aggregates (src/db/races.ts
-- says what it does and why). A PL/pgSQL function so that a result is one round trip, one
-- statement, instead of an interactive transaction of seven; each statement in it still takes its
-- snapshot after the ones before it, so the reads after the user's row lock see every result of
-- that user committed before it, as they did in the transaction.
CREATE FUNCTION record_result(
    p_game_id UUID,
    p_user_id UUID,
    p_rank INTEGER,
    p_wpm DOUBLE PRECISION,
    p_wpm_raw DOUBLE PRECISION,
    p_acc DOUBLE PRECISION,
    p_acc_raw DOUBLE PRECISION,
    p_finished_at TIMESTAMPTZ,
    p_word_count INTEGER,
    p_duration_ms INTEGER,
    p_flagged BOOLEAN,
    p_keystrokes BYTEA
) RETURNS BOOLEAN
LANGUAGE plpgsql
AS $$
DECLARE
    v_guest BOOLEAN;
    v_stored BOOLEAN;
    v_best DOUBLE PRECISION;
    v_is_personal_best BOOLEAN;
BEGIN
    -- Results of one user queue here (and so does a guest's move into an account).
    SELECT guest INTO v_guest FROM users WHERE id = p_user_id FOR NO KEY UPDATE;

    -- Recorded already: change nothing, answer as the first time.
    SELECT is_personal_best INTO v_stored
    FROM game_results WHERE game_id = p_game_id AND user_id = p_user_id;
    IF FOUND THEN
        RETURN v_stored;
    END IF;

    -- The all-time best at this length ('1970-01-01' is ALL_TIME_START in src/db/bests.ts).
    SELECT wpm INTO v_best
    FROM best_results
    WHERE user_id = p_user_id AND period = 'all' AND word_count = p_word_count
      AND period_start = DATE '1970-01-01';
    v_is_personal_best := p_rank IS NOT NULL AND NOT p_flagged AND (v_best IS NULL OR p_wpm > v_best);

    -- Fails on its foreign keys for an unknown game or user, writing nothing.
    INSERT INTO game_results
        (game_id, user_id, rank, wpm, wpm_raw, acc, acc_raw, finished_at, word_count, duration_ms,
         flagged, keystrokes, is_personal_best)
    VALUES
        (p_game_id, p_user_id, p_rank, p_wpm, p_wpm_raw, p_acc, p_acc_raw, p_finished_at, p_word_count,
         p_duration_ms, p_flagged, p_keystrokes, v_is_personal_best);

    -- Totals count finished races, flagged ones included.
    IF p_rank IS NULL THEN
        RETURN v_is_personal_best;
    END IF;
    INSERT INTO user_stats AS s (user_id, races, races_won, wpm_centis, acc_centis, typing_ms)
    VALUES (p_user_id, 1, CASE WHEN p_rank = 1 THEN 1 ELSE 0 END, round(p_wpm * 100)::BIGINT,
            round(p_acc * 100)::BIGINT, p_duration_ms)
    ON CONFLICT (user_id) DO UPDATE SET
        races = s.races + 1,
        races_won = s.races_won + excluded.races_won,
        wpm_centis = s.wpm_centis + excluded.wpm_centis,
        acc_centis = s.acc_centis + excluded.acc_centis,
        typing_ms = s.typing_ms + excluded.typing_ms;

    -- Bests (all time, the UTC day, the ISO week) count finished, unflagged races only; the guard
    -- keeps the better of the stored best and this result: higher wpm, then accuracy, then the
    -- earlier finish, then the smaller game id.
    IF p_flagged OR p_finished_at IS NULL THEN
        RETURN v_is_personal_best;
    END IF;
    INSERT INTO best_results AS b
        (user_id, period, period_start, word_count, game_id, wpm, wpm_raw, acc, acc_raw, finished_at, guest)
    SELECT p_user_id, periods.period, periods.start, p_word_count, p_game_id, p_wpm, p_wpm_raw, p_acc,
           p_acc_raw, p_finished_at, v_guest
    FROM (VALUES
        ('all', DATE '1970-01-01'),
        ('day', (p_finished_at AT TIME ZONE 'UTC')::DATE),
        ('week', date_trunc('week', p_finished_at AT TIME ZONE 'UTC')::DATE)
    ) AS periods (period, start)
    ON CONFLICT (user_id, period, word_count, period_start) DO UPDATE SET
        game_id = excluded.game_id, wpm = excluded.wpm, wpm_raw = excluded.wpm_raw,
        acc = excluded.acc, acc_raw = excluded.acc_raw, finished_at = excluded.finished_at
    WHERE (excluded.wpm, excluded.acc, b.finished_at, b.game_id)
        > (b.wpm, b.acc, excluded.finished_at, excluded.game_id);

    RETURN v_is_personal_best;
END
$$;
