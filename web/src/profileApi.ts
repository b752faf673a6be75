/**
 * Profiles and leaderboards over HTTP (shapes in src/api/contracts/profile.ts): a player's
 * statistics, their wpm and their rating over the last races, their race history page by page, the
 * daily / weekly / all-time leaderboards and the rating board. The signed-in player's own profile is under /api/v1/profile,
 * anyone's under /api/v1/users/:userId. Every call goes through the session (`Sessions.request`),
 * which keeps the player's token fresh.
 */

import type {
  GraphResponse,
  HistoryResponse,
  LeaderboardResponse,
  PublicUserResponse,
  RatingHistoryResponse,
  RatingLeaderboardResponse,
  StatisticsResponse,
} from "../../src/api/contracts/profile.ts";
import type { LeaderboardPeriod } from "../../src/protocol.ts";
import type { Sessions } from "./session.ts";

export const GRAPH_SIZES = [10, 100, 500, 1000] as const;
const HISTORY_PAGE_SIZE = 10;

/** Whose profile: the signed-in player's own, or anyone's by id. */
export type ProfileOwner = { self: true } | { self: false; userId: string };

const base = (owner: ProfileOwner) =>
  owner.self ? "/api/v1/profile" : `/api/v1/users/${encodeURIComponent(owner.userId)}`;
const callerOf = (owner: ProfileOwner) => (owner.self ? "required" : "none");

export const statistics = (sessions: Sessions, owner: ProfileOwner) =>
  sessions.request<StatisticsResponse>(`${base(owner)}/statistics`, { caller: callerOf(owner) });

export const graph = (sessions: Sessions, owner: ProfileOwner, last: number) =>
  sessions.request<GraphResponse>(`${base(owner)}/graph?last=${last}`, { caller: callerOf(owner) });

export const ratingHistory = (sessions: Sessions, owner: ProfileOwner, last: number) =>
  sessions.request<RatingHistoryResponse>(`${base(owner)}/rating-history?last=${last}`, {
    caller: callerOf(owner),
  });

export const history = (sessions: Sessions, owner: ProfileOwner, page: number) =>
  sessions.request<HistoryResponse>(`${base(owner)}/history?page=${page}&size=${HISTORY_PAGE_SIZE}`, {
    caller: callerOf(owner),
  });

/** A player's public name, for the heading of their profile. */
export const publicUser = (sessions: Sessions, userId: string) =>
  sessions.request<PublicUserResponse>(`/api/v1/users/${encodeURIComponent(userId)}`, { caller: "none" });

/** A leaderboard; signed in, with the player's own place (read anonymously if the session is gone). */
export const leaderboard = (sessions: Sessions, period: LeaderboardPeriod, words: number) =>
  sessions.request<LeaderboardResponse>(`/api/v1/leaderboards?period=${period}&words=${words}&limit=50`, {
    caller: "optional",
  });

/** The rating board; signed in, with the player's own place (as the wpm boards). */
export const ratingBoard = (sessions: Sessions) =>
  sessions.request<RatingLeaderboardResponse>("/api/v1/leaderboards?board=rating&limit=50", {
    caller: "optional",
  });
