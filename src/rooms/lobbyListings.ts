/**
 * The open lobbies of one race length as matchmaking by skill compares them, read from the
 * matchmaker's listings (this process's, or every process's over Redis): by the route's search
 * (src/api/lobbySeating.ts) and by a waiting lobby deciding whether to regroup (LobbyRoom).
 */
import { type IRoomCache, matchMaker } from "@colyseus/core";
import type { ListedLobby } from "../game/skillMatch.ts";

/** A lobby's listing metadata (Colyseus replaces it whole): its length, which searches filter on, and its mean rating. */
export interface LobbyMetadata {
  words: number;
  /** the mean shown rating of its players, rounded; absent: nobody with one has a seat yet */
  rating?: number;
}

export interface LobbyListing extends ListedLobby {
  listing: IRoomCache;
}

/** The unlocked public lobbies of `words` words, as Colyseus's own search filters them. */
export async function openLobbies(roomName: string, words: number): Promise<LobbyListing[]> {
  const listings = await matchMaker.query({ name: roomName, locked: false, private: false, words });
  return listings.map((listing) => ({
    listing,
    roomId: listing.roomId,
    rating: (listing.metadata as Partial<LobbyMetadata> | undefined)?.rating,
    // Every listing has one; a listing without would be a new lobby.
    openedAt: listing.createdAt ? new Date(listing.createdAt).getTime() : Date.now(),
    players: listing.clients,
    maxPlayers: listing.maxClients,
  }));
}
