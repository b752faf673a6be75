/**
 * A race whose process died never ends by itself: its room, which would have ended it, is gone, and
 * its stored game stays "countdown" forever. Every process sweeps for such races and closes them as
 * `abandoned`: a race still on in the database, older than the grace (its room is created a moment
 * after its row), whose room is listed on no live process. The results written before the crash
 * stay; nobody else gets one (no DNF for the server's failure). Whichever process notices first
 * closes it, once: the closing is one conditional UPDATE (src/db/games.ts).
 */
import type { Database } from "../db/database.ts";
import { abandonGames, unfinishedGameIds } from "../db/games.ts";
import type { Logger } from "../log.ts";
import { racesHosted } from "./liveRooms.ts";

/**
 * How often a process sweeps. A dead process's rooms leave the shared listing within ~12 s
 * (src/colyseus/staleProcessSweeper.ts); its races are closed within one sweep more.
 */
const SWEEP_EVERY_MS = 10_000;
/** A race younger than this is never judged: its room may still be being created. */
const MIN_GRACE_MS = 5_000;

export interface RaceSweepSources {
  /** races still on in the database, created before this time */
  unfinishedBefore(createdBefore: Date): Promise<string[]>;
  /** of these races, those whose room is listed on a live process */
  hosted(gameIds: string[]): Promise<Set<string>>;
  /** closes these races as abandoned (those still on); answers those this call closed */
  abandon(gameIds: string[], endedAt: Date): Promise<string[]>;
}

/** One sweep at `now`: closes the races nobody hosts any more; answers those it closed. */
async function closeAbandonedRaces(
  sources: RaceSweepSources,
  now: number,
  graceMs: number,
): Promise<string[]> {
  const candidates = await sources.unfinishedBefore(new Date(now - Math.max(graceMs, MIN_GRACE_MS)));
  if (candidates.length === 0) return [];
  const hosted = await sources.hosted(candidates);
  const orphans = candidates.filter((gameId) => !hosted.has(gameId));
  return sources.abandon(orphans, new Date(now));
}

export const raceSweepSources = (db: Database): RaceSweepSources => ({
  unfinishedBefore: (createdBefore) => unfinishedGameIds(db, createdBefore),
  hosted: racesHosted,
  abandon: (gameIds, endedAt) => abandonGames(db, gameIds, endedAt),
});

/**
 * Sweeps at once (a process starting after a crash closes its own dead races), then every
 * SWEEP_EVERY_MS. The answer stops it, waiting for a sweep under way.
 */
export function startAbandonedRaceSweeper(
  sources: RaceSweepSources,
  options: { graceMs: number; log: Logger; everyMs?: number },
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= closeAbandonedRaces(sources, Date.now(), options.graceMs)
      .then((closed) => {
        for (const gameId of closed) options.log.warn({ gameId }, "race abandoned: its process died");
      })
      .catch((error) => options.log.warn({ err: error }, "could not look for abandoned races"))
      .finally(() => {
        running = undefined;
      });
  };
  sweep();
  const timer = setInterval(sweep, options.everyMs ?? SWEEP_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
