/**
 * What Typephoon's matchmaking route (src/api/matchmakeRoutes.ts) needs to know of Colyseus's
 * matchmaker beyond its public calls.
 */
import { matchMaker } from "@colyseus/core";

/** Upstream: matchMaker.state is SHUTTING_DOWN from the first step of gracefullyShutdown. */
export const isShuttingDown = () => matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN;

/**
 * Upstream: a room that has no seat left makes reserveSeatFor throw a SeatReservationError, which
 * @colyseus/core does not export; joinOrCreate retries it, joinById does not.
 */
export const isSeatTaken = (error: unknown): boolean =>
  error instanceof Error && error.constructor.name === "SeatReservationError";

/**
 * How long one player's search for a lobby may hold up the next player's. A search takes
 * milliseconds, but one may wait on a lobby another process is creating (Colyseus waits up to
 * 0.5 s + 0.2 s per other creator, at most 1.1 s) or on Colyseus's retry after another process
 * took its seat. It must hold the queue through the first kind: when the next search starts
 * alongside it, that search finds no lobby either and waits too, and a burst of joins cascades.
 */
export const LOBBY_SEARCH_HOLD_MS = 1_000;

/**
 * Lobby searches in turn. Upstream: players searching at once all find the same lobby with seats
 * there, since its listing is read before any of their seats is counted; all but a lobbyful are
 * refused the seat, and Colyseus retries them after a random backoff of up to 0.4 × 2^attempt s.
 * Searches come at once whenever their tokens' checks answer together (one database lookup
 * answers a burst of them), on any driver. One search at a time per process, each seat is
 * counted, and a full lobby locked, before the next search looks.
 */
export function inTurn(): <T>(search: () => Promise<T>) => Promise<T> {
  return takingTurns(LOBBY_SEARCH_HOLD_MS);
}

/**
 * A queue of tasks: each starts once the one before it has settled, or has run for `holdMs`,
 * whichever comes first. A task that fails does not stop the ones after it.
 */
export function takingTurns(holdMs: number): <T>(task: () => Promise<T>) => Promise<T> {
  let previousTurn: Promise<void> = Promise.resolve();
  return function inTurn<T>(task: () => Promise<T>): Promise<T> {
    let endTurn!: () => void;
    const turn = new Promise<void>((resolve) => {
      endTurn = resolve;
    });
    const result = previousTurn.then(() => {
      const hold = setTimeout(endTurn, holdMs);
      const running = new Promise<T>((resolve) => resolve(task()));
      const settled = () => {
        clearTimeout(hold);
        endTurn();
      };
      running.then(settled, settled);
      return running;
    });
    previousTurn = turn;
    return result;
  };
}
