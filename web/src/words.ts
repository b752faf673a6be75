/**
 * What the page says: the server's codes in plain words, and numbers as people read them.
 */
import {
  ApiErrorCode,
  type ReconnectMessage,
  RoomCloseCode,
  RoomErrorCode,
  SignInErrorCode,
} from "../../src/protocol.ts";

const ROOM_ERRORS: Record<RoomErrorCode, string> = {
  [RoomErrorCode.NOT_STARTED]: "Hold on — the race has not started yet.",
  [RoomErrorCode.ALREADY_FINISHED]: "You have already finished this race.",
  [RoomErrorCode.RACE_OVER]: "The race is over: the time limit was reached.",
  [RoomErrorCode.INVALID_KEY]: "That key cannot be typed in a race.",
  [RoomErrorCode.UNKNOWN_MESSAGE]: "The server did not understand this page. Try reloading it.",
  [RoomErrorCode.RATE_LIMITED]: "Too many keys at once: slow down a little.",
  [RoomErrorCode.RACE_UNAVAILABLE]: "The race could not be set up on the server. Please find a race again.",
  [RoomErrorCode.NOT_HOST]: "Only the host can do that.",
  [RoomErrorCode.INVALID_SETTINGS]: "Those settings are not possible: nothing changed.",
  [RoomErrorCode.ALREADY_RACING]: "A race of this room is already on.",
  [RoomErrorCode.SPECTATOR]: "You are watching this race: spectators do not type.",
};

export function roomErrorText(code: string, fallback?: string): string {
  return ROOM_ERRORS[code as RoomErrorCode] ?? fallback ?? "Something went wrong on the server.";
}

/** What the lobby page says while it queues again after a lobby's `reconnect`. */
const REQUEUE_TEXTS: Record<ReconnectMessage["reason"], string> = {
  server_shutdown: "Server restarting, finding you a new race…",
  // Nothing went wrong: an older lobby accepts everyone here now, and starts sooner.
  regroup: "Finding you a fuller race…",
};

export function requeueText(reason: ReconnectMessage["reason"]): string {
  return REQUEUE_TEXTS[reason];
}

const API_ERRORS: Partial<Record<ApiErrorCode, string>> = {
  [ApiErrorCode.VALIDATION_ERROR]: "That does not look right",
  [ApiErrorCode.UNAUTHORIZED]: "Please sign in again.",
  [ApiErrorCode.TOKEN_EXPIRED]: "Your session has expired: please sign in again.",
  [ApiErrorCode.RATE_LIMITED]: "Too many attempts: wait a moment and try again.",
  [ApiErrorCode.GAME_NOT_FOUND]: "There is no such race.",
  [ApiErrorCode.NOT_FOUND]: "Not found.",
  [ApiErrorCode.INTERNAL]: "Something went wrong on the server. Please try again.",
};

export function apiErrorText(code: string | undefined, message?: string): string {
  const known = API_ERRORS[code as ApiErrorCode];
  if (code === ApiErrorCode.VALIDATION_ERROR && message) return `${known}: ${message}`;
  return known ?? message ?? "Something went wrong. Please try again.";
}

const SIGN_IN_ERRORS: Record<SignInErrorCode, string> = {
  [SignInErrorCode.UNKNOWN_PROVIDER]: "That sign-in provider is not available here.",
  [SignInErrorCode.PROVIDER_UNAVAILABLE]: "The sign-in provider could not be reached. Try again later.",
  [SignInErrorCode.INVALID_STATE]: "The sign-in took too long or was interrupted. Please start again.",
  [SignInErrorCode.PROVIDER_ERROR]: "The sign-in was cancelled or refused by the provider.",
  [SignInErrorCode.SIGN_IN_FAILED]: "The sign-in could not be verified. Please try again.",
};

export function signInErrorText(code: string): string {
  return SIGN_IN_ERRORS[code as SignInErrorCode] ?? "Signing in did not work. Please try again.";
}

/** After a good sign-in: who, and how many of the guest's races moved into the account. */
export function signedInText(name: string, racesMoved: number): string {
  if (racesMoved <= 0) return `Signed in as ${name}.`;
  return `Signed in as ${name} — ${plural(racesMoved, "race")} moved into your account.`;
}

/** What a tab says when another tab (or the server) changed who plays. */
export function sessionChangeText(
  before: { guest: boolean } | undefined,
  user: { name: string; guest: boolean } | undefined,
  cause: "elsewhere" | "ended",
): string {
  if (cause === "ended") {
    return before?.guest
      ? "Your guest session has ended: choose a name to play again."
      : "Your session has ended: please sign in again.";
  }
  if (!user) return "You signed out in another tab.";
  return user.guest
    ? `You play as ${user.name} (guest), as in your other tab.`
    : `Signed in as ${user.name} in another tab.`;
}

/** "1 race", "3 races". */
function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** Why the server refused a join or closed a room connection, or undefined for an ordinary close. */
export function closeText(code: number, message?: string): string | undefined {
  switch (code) {
    case RoomCloseCode.BAD_OPTIONS:
      return "This page asked the server for something it does not offer: reload the page and try again.";
    case RoomCloseCode.UNAUTHORIZED:
      return message?.startsWith("TOKEN_EXPIRED")
        ? "Your session has expired: please sign in again."
        : "The server did not recognise your session: please sign in again.";
    case RoomCloseCode.NOT_IN_ROSTER:
      return "You are not a player in this race.";
    case RoomCloseCode.REPLACED:
      // The same code refuses a join to a full room.
      if (message?.startsWith(`${ApiErrorCode.ROOM_FULL}:`)) return "This room is full.";
      if (message?.startsWith(`${ApiErrorCode.SPECTATORS_FULL}:`))
        return "This race has as many spectators as it takes: watch another one.";
      return "You opened Typephoon in another tab or window, so this one stopped playing.";
    case RoomCloseCode.FLOODING:
      return "The server closed the connection: this page sent too many messages.";
    default:
      return undefined;
  }
}

export function ordinal(rank: number): string {
  const tens = rank % 100;
  if (tens >= 11 && tens <= 13) return `${rank}th`;
  return `${rank}${["th", "st", "nd", "rd"][rank % 10] ?? "th"}`;
}

/** "1:05" for 65 seconds; "0:09". */
export function clockTime(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** "2 h 5 min", "4 min 10 s", "12 s". */
export function duration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

/** A race's duration: "42.3 s", "1:05.2". */
export function seconds(ms: number): string {
  const tenths = Math.max(0, Math.round(ms / 100));
  const whole = Math.floor(tenths / 10);
  const rest = `${whole % 60}.${tenths % 10}`;
  return whole < 60 ? `${rest} s` : `${Math.floor(whole / 60)}:${rest.padStart(4, "0")}`;
}

/** 87.456 → "87.5"; wpm and accuracy are shown to one decimal. */
export function figure(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

export function percent(value: number): string {
  return `${figure(value)}%`;
}

/** A rating's change in a race: "+14", "−6" (a minus sign, not a hyphen), "±0". */
export function ratingChange(before: number, after: number): string {
  const change = after - before;
  return change > 0 ? `+${change}` : change < 0 ? `\u2212${-change}` : "\u00b10";
}

/** Every date and time the page shows, in the reader's locale: "Dec 6, 2026, 7:05 PM". */
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export const when = (iso: string | number | Date) => WHEN.format(new Date(iso));

/**
 * Names as one race or lobby shows them: a name two players share gets a short suffix of each
 * one's id ("Alex #3f2a"), so that they can be told apart.
 */
export function distinctNames(players: Iterable<{ id: string; name: string }>): Map<string, string> {
  const list = [...players];
  const counts = new Map<string, number>();
  for (const { name } of list) counts.set(name, (counts.get(name) ?? 0) + 1);
  return new Map(
    list.map(({ id, name }) => [
      id,
      counts.get(name)! > 1 ? `${name} #${id.replace(/-/g, "").slice(0, 4)}` : name,
    ]),
  );
}
