/**
 * The contract between Typephoon's server and its clients, defined once and imported by the server,
 * the web client and the tests: error codes, the HTTP envelope, room names, room messages and their
 * payloads, and the shapes of the synced room state. docs/protocol.md and docs/api.md describe it
 * in prose. No runtime dependencies here: the browser bundle imports this file.
 */

/** Error codes of the HTTP API (`{ ok: false, error: { code } }`). */
export const ApiErrorCode = {
  VALIDATION_ERROR: "VALIDATION_ERROR",
  BAD_JSON: "BAD_JSON",
  BAD_REQUEST: "BAD_REQUEST",
  /** 413: a body over 16 KB, refused before it is read (every route of the server) */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** 411: a body of unknown length (chunked); send a Content-Length */
  LENGTH_REQUIRED: "LENGTH_REQUIRED",
  NOT_FOUND: "NOT_FOUND",
  UNAUTHORIZED: "UNAUTHORIZED",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  INTERNAL: "INTERNAL",
  NOT_READY: "NOT_READY",
  /** PostgreSQL is unreachable (503, with Retry-After); races go on meanwhile */
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  LOBBY_NOT_FOUND: "LOBBY_NOT_FOUND",
  NOT_IN_LOBBY: "NOT_IN_LOBBY",
  GAME_NOT_FOUND: "GAME_NOT_FOUND",
  /** 409: the race is still on (or its results are still being written): its replay comes when it is over */
  RACE_NOT_OVER: "RACE_NOT_OVER",
  /** 404: no user with this id (profiles) */
  USER_NOT_FOUND: "USER_NOT_FOUND",
  /** 403: the account routes are a registered account's: a guest has none (sign in with a provider) */
  ACCOUNT_REQUIRED: "ACCOUNT_REQUIRED",
  /** 429, with a Retry-After header in seconds */
  RATE_LIMITED: "RATE_LIMITED",
  /** matchmaking (400): the join's options are not what the room takes */
  BAD_OPTIONS: "BAD_OPTIONS",
  /** 403: a state-changing request from a page whose Origin is neither this server nor CORS_ORIGINS */
  ORIGIN_NOT_ALLOWED: "ORIGIN_NOT_ALLOWED",
  /** 503, with Retry-After: this process is shutting down; ask again (another process, or this one restarted) */
  SHUTTING_DOWN: "SHUTTING_DOWN",
  /** 503, with Retry-After: matchmaking cannot reach what it needs (Redis); ask again shortly */
  MATCHMAKING_UNAVAILABLE: "MATCHMAKING_UNAVAILABLE",
  /** matchmaking: no open room with this id (it ended, or never existed) */
  ROOM_NOT_FOUND: "ROOM_NOT_FOUND",
  /** matchmaking: the room has no seat left */
  ROOM_FULL: "ROOM_FULL",
  /** matchmaking: the race has as many spectators as it takes */
  SPECTATORS_FULL: "SPECTATORS_FULL",
  /** matchmaking (403): not on this race's roster */
  NOT_IN_ROSTER: "NOT_IN_ROSTER",
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: unknown;
  requestId?: string;
}

/** Every HTTP answer of /api/v1 has this envelope. */
export type ApiEnvelope<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody };

/** Name of the access-token cookie set by the sign-in endpoints (HttpOnly). */
export const ACCESS_TOKEN_COOKIE = "TP_AT";
/** Name of the refresh-token cookie of registered accounts (HttpOnly, Path=/api/v1/auth). */
export const REFRESH_TOKEN_COOKIE = "TP_RT";

/**
 * Why signing in with a provider failed: the callback redirects the browser to the web app with
 * `?auth_error=<code>` (SIGN_IN_ERROR_PARAM).
 */
export const SignInErrorCode = {
  /** no provider with that id is configured */
  UNKNOWN_PROVIDER: "UNKNOWN_PROVIDER",
  /** the provider could not be reached (or its discovery document is broken); try again later */
  PROVIDER_UNAVAILABLE: "PROVIDER_UNAVAILABLE",
  /** the sign-in attempt is unknown, expired (10 minutes) or its `state` does not match: start again */
  INVALID_STATE: "INVALID_STATE",
  /** the provider answered with an error, e.g. the person declined */
  PROVIDER_ERROR: "PROVIDER_ERROR",
  /** the provider's answer did not verify (code already used, wrong nonce, bad ID token, …) */
  SIGN_IN_FAILED: "SIGN_IN_FAILED",
} as const;
export type SignInErrorCode = (typeof SignInErrorCode)[keyof typeof SignInErrorCode];
export const SIGN_IN_ERROR_PARAM = "auth_error";
/**
 * After a good sign-in the callback redirects the browser to the web app with `?signed_in=<provider>`
 * (SIGNED_IN_PARAM), and `&races_moved=<n>` (RACES_MOVED_PARAM) when a guest's races moved into
 * the account: the page takes up the new session at once, and says so.
 */
export const SIGNED_IN_PARAM = "signed_in";
export const RACES_MOVED_PARAM = "races_moved";
export const REQUEST_ID_HEADER = "X-Request-Id";

// ---------------------------------------------------------------------------------------------
// Rooms (docs/protocol.md)
// ---------------------------------------------------------------------------------------------

export const RoomName = {
  /** Matchmaking: `client.joinOrCreate(RoomName.LOBBY, { words })`. */
  LOBBY: "lobby",
  /**
   * The race itself: joined through a `game_start` reservation, `joinById` by its roster (a reload),
   * or `joinById(gameId, { spectate: true })` by anyone, to watch.
   */
  RACE: "race",
  /** A private room of friends: `client.create(RoomName.PRIVATE, { words, maxPlayers })`, joined by its code. */
  PRIVATE: "private",
} as const;

/** Whether a race came from public matchmaking or from a private room (practice included). */
export const RACE_MODES = ["public", "private"] as const;
export type RaceMode = (typeof RACE_MODES)[number];

/** A private room's players: at least 2 (a room of one is practice all the same), at most 10. */
export const PRIVATE_ROOM_PLAYERS = { min: 2, max: 10, default: 10 } as const;
/** A private room's invite code: 6 characters of this alphabet (no 0/O, 1/I/L to misread). */
export const INVITE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const INVITE_CODE_LENGTH = 6;

/** Client → server messages. */
export const ClientMessage = {
  /** One keystroke: `{ key }`, exactly one printable character, " " or "Backspace". */
  KEY: "key",
  /** Private room, host only: start a race with everyone in the room (alone: practice). No payload. */
  START: "start",
  /** Private room, host only: `{ words?, maxPlayers?, ghost? }`. */
  SETTINGS: "settings",
} as const;

export interface SettingsMessage {
  words?: number;
  maxPlayers?: number;
  /**
   * race against a stored finished result, its text and its keys (`{ gameId, userId }`); null: no
   * ghost any more
   */
  ghost?: GhostChoice | null;
}

/** A stored race's finished result: a private room's ghost. */
export interface GhostChoice {
  gameId: string;
  userId: string;
}

export interface KeyMessage {
  key: string;
}

/** Server → client messages. */
export const ServerMessage = {
  /**
   * Lobby or private room → each player when the race is created: join it with
   * `consumeSeatReservation(reservation)`.
   */
  GAME_START: "game_start",
  /** Race → the player who just finished: their full result. */
  FINISHED: "finished",
  /** Any room → a client whose message was rejected (nothing changed). */
  ERROR: "error",
  /**
   * Lobby → its players, as it closes: queue again. `server_shutdown`: this process is going away
   * (another one takes them); `regroup`: an older lobby now accepts them all (it starts sooner).
   */
  RECONNECT: "reconnect",
  /** Race → each player still in the room once a rated race's ratings are updated (src/game/rating.ts). */
  RATING: "rating",
} as const;

export interface RatingMessage {
  ratingBefore: number;
  ratingAfter: number;
}

export interface ReconnectMessage {
  reason: "server_shutdown" | "regroup";
}

/** What `client.consumeSeatReservation()` takes (Colyseus's seat reservation, opaque to clients). */
interface SeatReservationPayload {
  name: string;
  roomId: string;
  sessionId: string;
  processId?: string;
  publicAddress?: string;
  reconnectionToken?: string;
  devMode?: boolean;
}

export interface GameStartMessage {
  gameId: string;
  roomId: string;
  reservation: SeatReservationPayload;
}

export interface FinishedMessage {
  gameId: string;
  rank: number;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  /** ms from the start of typing to the finishing keystroke */
  durationMs: number;
  isPersonalBest: boolean;
}

/** Codes of the `error` room message. */
export const RoomErrorCode = {
  NOT_STARTED: "NOT_STARTED",
  ALREADY_FINISHED: "ALREADY_FINISHED",
  RACE_OVER: "RACE_OVER",
  INVALID_KEY: "INVALID_KEY",
  UNKNOWN_MESSAGE: "UNKNOWN_MESSAGE",
  RATE_LIMITED: "RATE_LIMITED",
  /** lobby: the race could not be created (e.g. the database is down); queue again */
  RACE_UNAVAILABLE: "RACE_UNAVAILABLE",
  /** private room: only the host may do that */
  NOT_HOST: "NOT_HOST",
  /** private room: settings out of range or of the wrong form; nothing changed */
  INVALID_SETTINGS: "INVALID_SETTINGS",
  /** private room: `start` while its race is on */
  ALREADY_RACING: "ALREADY_RACING",
  /** race: a spectator sends nothing */
  SPECTATOR: "SPECTATOR",
} as const;
export type RoomErrorCode = (typeof RoomErrorCode)[keyof typeof RoomErrorCode];

export interface RoomErrorMessage {
  code: RoomErrorCode;
  message: string;
}

/**
 * Why a join was refused (the SDK rejects `joinOrCreate`/`joinById` with this code and a message)
 * and why the server closed a connection.
 */
export const RoomCloseCode = {
  /** join refused: the join's options are not what the room takes (message `BAD_OPTIONS: …`) */
  BAD_OPTIONS: 4400,
  /** join refused: no, invalid or expired access token */
  UNAUTHORIZED: 4401,
  /** join refused: not on this race's roster */
  NOT_IN_ROSTER: 4403,
  /** the same user connected again (another tab): this older connection is closed */
  REPLACED: 4409,
  /** join refused: no room left (message `ROOM_FULL: …` or `SPECTATORS_FULL: …`) */
  FULL: 4409,
  /** closed for flooding the room with messages */
  FLOODING: 4429,
} as const;

/**
 * Joins are refused during the matchmaking request when they can be (token, roster, room full),
 * at the WebSocket otherwise. Over HTTP the status is the close code − 4000 (4401 → 401), which
 * @colyseus/sdk reports as the MatchMakeError's `code` (an HTTP status cannot be 4401); the
 * message starts with the same `CODE:` either way. This gives the close code in both cases.
 */
export function joinRefusalCode(code: number | undefined): number | undefined {
  return code !== undefined && code >= 400 && code < 500 ? code + 4000 : code;
}

/** Synced state of a lobby room. */
export interface LobbyPlayerState {
  id: string;
  name: string;
}
export interface LobbyStateShape {
  players: ReadonlyMap<string, LobbyPlayerState>;
  /** epoch ms when the lobby's countdown ends and the race starts */
  startsAt: number;
  maxPlayers: number;
  /** the race length, in words: players asking for different lengths never share a lobby */
  words: number;
}

/** The ghost a private room races against, as its state shows it. */
export interface PrivateGhostState extends GhostChoice {
  /** whose race it is */
  name: string;
  /** the race's length: the room's races are on its text while it is set */
  words: number;
  /** the result's wpm: the pace to beat */
  wpm: number;
}

/** Synced state of a private room (its `roomId` is its invite code). */
export interface PrivateStateShape {
  code: string;
  /** the host's userId: the one who may start and change the settings */
  hostId: string;
  words: number;
  maxPlayers: number;
  /** `open` between races, `racing` while the room's race is on */
  status: "open" | "racing";
  /** the last race's gameId, "" until one has run */
  lastGameId: string;
  players: ReadonlyMap<string, LobbyPlayerState>;
  /** the stored race the room's races are against, when the host chose one */
  ghost?: PrivateGhostState;
}

/**
 * `abandoned`: the process hosting the race died before it ended (src/rooms/abandonedRaces.ts):
 * the results written before stay, nobody else gets one.
 */
export const RACE_STATUSES = ["countdown", "racing", "finished", "abandoned"] as const;
export type RaceStatus = (typeof RACE_STATUSES)[number];

/** One public race on now, as GET /api/v1/games/live lists it (to pick one to watch). */
export interface LiveRace {
  gameId: string;
  mode: RaceMode;
  /** the race's length in words */
  words: number;
  status: RaceStatus;
  /** ISO time typing opens */
  startsAt: string;
  spectators: number;
  players: Array<Pick<RacePlayerState, "id" | "name" | "wordIndex" | "charIndex" | "finished" | "rank">>;
}

/** The race lengths, in words, with profiles' personal bests and leaderboards of their own. */
export const RACE_LENGTHS = [10, 25, 50, 100] as const;
export type RaceLength = (typeof RACE_LENGTHS)[number];

/** The leaderboards: best wpm by period and length (the default), or skill rating. */
export const LEADERBOARD_BOARDS = ["wpm", "rating"] as const;
export type LeaderboardBoard = (typeof LEADERBOARD_BOARDS)[number];

/**
 * A player's rating is provisional for their first this many rated races (src/game/rating.ts): the
 * rating board leaves them out until then. Here, not there, so that the page can say it without
 * bundling the rating library.
 */
export const PROVISIONAL_RACES = 10;

/** The leaderboards' periods: a UTC day, an ISO week (Monday to Sunday, UTC), all time. */
export const LEADERBOARD_PERIODS = ["daily", "weekly", "all"] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];

/** Whole seconds left until `targetMs`, never negative: every `secondsLeft` the server and pages show. */
export function secondsUntil(targetMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((targetMs - nowMs) / 1000));
}

/** Synced state of a race room. */
export interface RacePlayerState {
  id: string;
  name: string;
  /** index of the word the player is typing */
  wordIndex: number;
  /** characters typed in the current word */
  charIndex: number;
  finished: boolean;
  /** finishing place, 1-based; 0 = not finished */
  rank: number;
  wpm: number;
  acc: number;
  connected: boolean;
  /**
   * a ghost: a stored race typed again by the server, key by key at its recorded times; its finish
   * and rank count in the race, nothing of it is stored
   */
  ghost: boolean;
}
export interface RaceStateShape {
  gameId: string;
  mode: RaceMode;
  words: readonly string[];
  status: RaceStatus;
  /** how many watch without racing */
  spectators: number;
  /** epoch ms when typing opens */
  startsAt: number;
  /** epoch ms of the time limit: players not finished then did not finish */
  endsAt: number;
  players: ReadonlyMap<string, RacePlayerState>;
}
