/**
 * Matchmaking by skill: how the matchmaking route seats a player queuing for a public race, in
 * place of Colyseus's own `joinOrCreate`/`join` search, which takes the first open lobby of the
 * length. Built of the matchmaker's public calls, so it works alike on the local driver and over
 * Redis with several processes:
 *
 * 1. the lobby's static `onAuth` admits the user (as Colyseus would run it);
 * 2. their shown rating: a read by primary key (shared by the reads of one moment), kept for a few
 *    seconds (a rating changes only when a race ends). Both before the player's turn: a search
 *    holds up the next one, and must not for a database round trip;
 * 3. in the player's turn (`inTurn`, src/colyseus/matchmaking.ts), `matchMaker.query` lists the
 *    open (unlocked, public) lobbies of that length, each with its players' mean rating in its
 *    listing's metadata (`LobbyRoom`) and its creation time;
 * 4. the pure rule (src/game/skillMatch.ts) orders the lobbies that accept that rating at their age;
 * 5. `matchMaker.reserveSeatFor` takes a seat in the first with one left (a lobby on another process
 *    too; a full one refuses and the next is tried); none: `join` is refused as Colyseus refuses it,
 *    `joinOrCreate` opens a lobby, whose listing carries the opener's rating from the start.
 *
 * The seat's options carry the rating to the lobby, which needs no read of its own; a client cannot
 * set it (the lobby's options allow only `words`). Seat counts, locks and full lobbies stay
 * Colyseus's: nobody is seated in a full lobby. Two processes that find no lobby at the same moment
 * may each open one (Colyseus's joinOrCreate would have one wait for the other's); each then fills
 * as any lobby does.
 */
import { ErrorCode, matchMaker, ServerError } from "@colyseus/core";
import { LRUCache } from "lru-cache";
import { isSeatTaken } from "../colyseus/matchmaking.ts";
import type { Database } from "../db/database.ts";
import { shownRatingLookup } from "../db/userRatings.ts";
import { withTimeout } from "../deadline.ts";
import { NEWCOMER_RATING } from "../game/rating.ts";
import { lobbiesFor, type SkillWindow } from "../game/skillMatch.ts";
import type { LobbySeatOptions } from "../rooms/LobbyRoom.ts";
import { openLobbies } from "../rooms/lobbyListings.ts";
import type { JoinContext } from "../rooms/services.ts";

/** How long a rating read is reused: a player queuing again at once after a race may see the one before it. */
const RATING_CACHE_MS = 5_000;
const RATING_CACHE_ENTRIES = 50_000;
/**
 * How long a queuing player's rating may take. Races go on while PostgreSQL is down or cut off
 * (results wait in the journal), and so does matchmaking: a rating not read in time seats the
 * player as a newcomer would be.
 */
const RATING_READ_MS = 1_000;
/** As Colyseus's joinOrCreate: searches again when the lobby it opened was full before the seat. */
const SEARCHES = 5;

export type LobbySeating = (
  method: "join" | "joinOrCreate",
  roomName: string,
  options: Record<string, unknown>,
  context: JoinContext,
) => ReturnType<typeof matchMaker.reserveSeatFor>;

/** `inTurn`: runs one player's search at a time (src/colyseus/matchmaking.ts). */
export function lobbySeating(
  db: Database,
  windows: readonly SkillWindow[],
  inTurn: <T>(search: () => Promise<T>) => Promise<T>,
): LobbySeating {
  const shownRatingOf = shownRatingLookup(db);
  const ratings = new LRUCache<string, number>({
    max: RATING_CACHE_ENTRIES,
    ttl: RATING_CACHE_MS,
    fetchMethod: (userId) => shownRatingOf(userId),
  });

  return async (method, roomName, options, context) => {
    const authData = await admitted(roomName, options, context);
    const rating = await withTimeout(ratings.fetch(context.user!.id), RATING_READ_MS).then(
      (read) => read!,
      () => NEWCOMER_RATING,
    );
    return inTurn(() => search(method, roomName, { ...options, rating }, authData, windows));
  };
}

/** One player's search: a seat in the best lobby that accepts them, or in a lobby they open. */
async function search(
  method: "join" | "joinOrCreate",
  roomName: string,
  seatOptions: LobbySeatOptions,
  authData: unknown,
  windows: readonly SkillWindow[],
): ReturnType<LobbySeating> {
  for (let attempt = 1; ; attempt++) {
    const lobbies = lobbiesFor(
      seatOptions.rating,
      await openLobbies(roomName, Number(seatOptions.words)),
      Date.now(),
      windows,
    );
    for (const { listing } of lobbies) {
      try {
        return await matchMaker.reserveSeatFor(listing, seatOptions, authData);
      } catch (error) {
        if (!isSeatTaken(error)) throw error;
      }
    }
    if (method === "join") {
      throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, "no rooms found with provided criteria");
    }
    const opened = await matchMaker.createRoom(roomName, seatOptions);
    try {
      return await matchMaker.reserveSeatFor(opened, seatOptions, authData);
    } catch (error) {
      if (!isSeatTaken(error) || attempt === SEARCHES) throw error;
    }
  }
}

/** The room type's static onAuth, as Colyseus runs it for a search: what it returns is the seat's auth data. */
async function admitted(roomName: string, options: unknown, context: JoinContext): Promise<unknown> {
  const room = matchMaker.getRoomClass(roomName) as unknown as {
    onAuth(token: string | undefined, options: unknown, context: JoinContext): unknown;
  };
  const authData = await room.onAuth(context.token, options, context);
  if (!authData) throw new ServerError(ErrorCode.AUTH_FAILED, "onAuth failed");
  return authData;
}
