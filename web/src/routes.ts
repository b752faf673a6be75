/**
 * The page's screens, addressed by the URL's hash (`#/race/<gameId>`), so the server serves one
 * index.html and needs no fallback route.
 */

import { isInviteCode } from "../../src/game/party.ts";
import { LEADERBOARD_PERIODS, type LeaderboardPeriod, RACE_LENGTHS } from "../../src/protocol.ts";

/** 25 words is the server's default race. */
export const DEFAULT_LEADERBOARD_WORDS = 25;

export type Route =
  | { screen: "home" }
  | { screen: "lobby" }
  | { screen: "race"; gameId: string }
  | { screen: "results"; gameId: string }
  | { screen: "room"; code: string }
  | { screen: "join"; code: string }
  | { screen: "watch" }
  | { screen: "spectate"; gameId: string }
  | { screen: "replay"; gameId: string }
  | { screen: "profile" }
  | { screen: "user"; userId: string }
  | { screen: "sign-in" }
  | { screen: "account" }
  | { screen: "leaderboard"; period: LeaderboardPeriod; words: number }
  /** the rating board: a tab of the leaderboard's, for all time and every length */
  | { screen: "ratings" };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseRoute(hash: string): Route {
  const [screen = "", id = "", ...rest] = hash.replace(/^#?\/?/, "").split("/");
  if (screen === "leaderboard" && id === "rating" && rest.length === 0) return { screen: "ratings" };
  if (screen === "leaderboard" && rest.length <= 1) return leaderboardRoute(id, rest[0]);
  if (rest.length > 0) return { screen: "home" };
  switch (screen) {
    case "lobby":
      return id ? { screen: "home" } : { screen: "lobby" };
    case "race":
    case "results":
    case "replay":
      return ID.test(id) ? { screen, gameId: id } : { screen: "home" };
    case "room":
      return isInviteCode(id) ? { screen, code: id } : { screen: "home" };
    case "join":
      // Typed or pasted by hand: the join screen reads any case, and says when no room has it.
      return id ? { screen, code: id } : { screen: "home" };
    case "watch":
      if (!id) return { screen };
      return ID.test(id) ? { screen: "spectate", gameId: id } : { screen: "home" };
    case "profile":
    case "sign-in":
    case "account":
      return id ? { screen: "home" } : { screen };
    case "users":
      return ID.test(id) ? { screen: "user", userId: id } : { screen: "home" };
    default:
      return { screen: "home" };
  }
}

/** `#/leaderboard/<period>/<words>`: today's board of the default length where either is missing or unknown. */
function leaderboardRoute(period: string, words = ""): Route {
  const knownPeriod = (LEADERBOARD_PERIODS as readonly string[]).includes(period);
  const length = Number(words);
  return {
    screen: "leaderboard",
    period: knownPeriod ? (period as LeaderboardPeriod) : "daily",
    words: (RACE_LENGTHS as readonly number[]).includes(length) ? length : DEFAULT_LEADERBOARD_WORDS,
  };
}

export function hashOf(route: Route): string {
  switch (route.screen) {
    case "home":
      return "#/";
    case "lobby":
      return "#/lobby";
    case "race":
      return `#/race/${route.gameId}`;
    case "results":
      return `#/results/${route.gameId}`;
    case "room":
      return `#/room/${route.code}`;
    case "join":
      return `#/join/${route.code}`;
    case "watch":
      return "#/watch";
    case "spectate":
      return `#/watch/${route.gameId}`;
    case "replay":
      return `#/replay/${route.gameId}`;
    case "profile":
      return "#/profile";
    case "user":
      return `#/users/${route.userId}`;
    case "sign-in":
      return "#/sign-in";
    case "account":
      return "#/account";
    case "leaderboard":
      return `#/leaderboard/${route.period}/${route.words}`;
    case "ratings":
      return "#/leaderboard/rating";
  }
}
