import { ErrorCode, matchMaker, ServerError } from "@colyseus/core";
import { RoomName } from "../protocol.ts";

/**
 * What clients may ask the matchmaker for: they queue into lobbies, and they (re)join a room they
 * know by id. Nobody creates a race but a lobby, so `create`, and `joinOrCreate`/`join` of
 * anything but a lobby, are refused. The rooms' onAuth then decides who may join what.
 */
const ALLOWED: Record<string, (roomNameOrId: string) => boolean> = {
  joinOrCreate: (roomName) => roomName === RoomName.LOBBY,
  join: (roomName) => roomName === RoomName.LOBBY,
  joinById: () => true,
  reconnect: () => true,
};

/**
 * How long one player's search for a lobby may hold up the next player's. A search takes
 * milliseconds, but one may wait on a lobby another process is creating (Colyseus waits up to
 * 0.5 s + 0.2 s per other creator, at most 1.1 s) or on Colyseus's retry after another process
 * took its seat. It must hold the queue through the first kind: when the next search starts
 * alongside it, that search finds no lobby either and waits too, and in the bench (2 processes, a
 * burst of 1,000) a hold of 250 ms let this cascade into 47–52 s for the burst instead of 8–10.
 */
export const LOBBY_SEARCH_HOLD_MS = 1_000;

const { controller } = matchMaker;
const invokeUnrestricted = controller.invokeMethod;

/**
 * `searchInTurn`: for a driver shared by several processes (Redis). Players searching at once all
 * find the same lobby with seats there, since its listing is read before any of their seats is
 * counted; all but a lobbyful are refused the seat, and Colyseus retries them after a random
 * backoff of up to 0.4 × 2^attempt s. One search at a time per process, each seat is counted, and
 * a full lobby locked, before the next search looks. The in-process driver needs none of it: it
 * finds a lobby and counts the seat in one go.
 */
export function restrictClientMatchmaking({ searchInTurn }: { searchInTurn: boolean }): void {
  const inTurn = searchInTurn ? takingTurns(LOBBY_SEARCH_HOLD_MS) : undefined;
  controller.exposedMethods = Object.keys(ALLOWED);
  controller.invokeMethod = function (this: typeof controller, method, roomName, ...rest) {
    if (!ALLOWED[method]?.(roomName)) {
      throw new ServerError(ErrorCode.MATCHMAKE_NO_HANDLER, `clients cannot ${method} "${roomName}"`);
    }
    const invoke = () => invokeUnrestricted.call(this, method, roomName, ...rest);
    return inTurn && (method === "joinOrCreate" || method === "join") ? inTurn(invoke) : invoke();
  };
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
