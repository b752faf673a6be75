/**
 * Profiles and leaderboards over HTTP (shapes in src/api/contracts/profile.ts): a player's
 * statistics, their wpm over the last races, their race history page by page, and the daily /
 * weekly / all-time leaderboards. The signed-in player's own profile is under /api/v1/profile,
 * anyone's under /api/v1/users/:userId.
 */

import type {
  GraphResponse,
  HistoryResponse,
  LeaderboardResponse,
  PublicUserResponse,
  StatisticsResponse,
} from "../../src/api/contracts/profile.ts";
import type { LeaderboardPeriod } from "../../src/protocol.ts";
import { api } from "./api.ts";

export const GRAPH_SIZES = [10, 100, 500, 1000] as const;
const HISTORY_PAGE_SIZE = 10;

/** Whose profile: the signed-in player's own, or anyone's by id. */
export type ProfileOwner = { self: true; token: string | undefined } | { self: false; userId: string };

const base = (owner: ProfileOwner) =>
  owner.self ? "/api/v1/profile" : `/api/v1/users/${encodeURIComponent(owner.userId)}`;
const tokenOf = (owner: ProfileOwner) => (owner.self ? owner.token : undefined);

export const statistics = (owner: ProfileOwner) =>
  api<StatisticsResponse>(`${base(owner)}/statistics`, { token: tokenOf(owner) });

export const graph = (owner: ProfileOwner, last: number) =>
  api<GraphResponse>(`${base(owner)}/graph?last=${last}`, { token: tokenOf(owner) });

export const history = (owner: ProfileOwner, page: number) =>
  api<HistoryResponse>(`${base(owner)}/history?page=${page}&size=${HISTORY_PAGE_SIZE}`, {
    token: tokenOf(owner),
  });

/** A player's public name, for the heading of their profile. */
export const publicUser = (userId: string) =>
  api<PublicUserResponse>(`/api/v1/users/${encodeURIComponent(userId)}`);

export const leaderboard = (period: LeaderboardPeriod, words: number, token: string | undefined) =>
  api<LeaderboardResponse>(`/api/v1/leaderboards?period=${period}&words=${words}&limit=50`, { token });
