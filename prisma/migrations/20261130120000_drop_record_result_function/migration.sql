-- Results are recorded by src/db/races.ts, which decides personal bests and bests in TypeScript
-- (src/game/personalBest.ts) inside one transaction per batch of results; record_result, which
-- decided them in PL/pgSQL, is no longer called.
DROP FUNCTION IF EXISTS record_result(
    UUID, UUID, INTEGER, DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION, DOUBLE PRECISION,
    TIMESTAMPTZ, INTEGER, INTEGER, BOOLEAN, BYTEA
);
