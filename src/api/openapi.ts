/**
 * The API's OpenAPI 3.1 document, built from the zod contracts the routers validate with
 * (src/api/contracts/): what the document says and what the API does have one definition. Served
 * at GET /api/v1/openapi.json and read by the reference page at /api/docs (src/api/docsRoutes.ts);
 * the API tests check every answer they receive against it (test/support/http.ts), so an answer
 * it does not describe fails them.
 *
 * Each route below names its success and the failures of its own; those many routes share — the
 * rate limits, the origin check and body parsing of writes, undecodable path parameters,
 * authentication, a database outage — follow from what the route takes and needs (`impliedFailures`).
 */
import { z } from "zod";
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import { ACCESS_TOKEN_COOKIE, ApiErrorCode, REFRESH_TOKEN_COOKIE, REQUEST_ID_HEADER } from "../protocol.ts";
import { MAX_BODY_BYTES } from "./bodyLimit.ts";
import {
  accountResponse,
  deleteAccountResponse,
  guestSignInBody,
  meResponse,
  providerCallbackQuery,
  providerParams,
  providersResponse,
  renameBody,
  signInResponse,
  signOutResponse,
} from "./contracts/auth.ts";
import { apiErrorBody, fieldIssue } from "./contracts/common.ts";
import {
  countdownResponse,
  gameParams,
  gameResponse,
  leaveLobbyResponse,
  liveRacesResponse,
  lobbyParams,
  lobbyResponse,
  replayResponse,
  resultResponse,
} from "./contracts/games.ts";
import { liveness, readiness } from "./contracts/health.ts";
import {
  graphQuery,
  graphResponse,
  historyQuery,
  historyResponse,
  leaderboardQuery,
  leaderboardResponse,
  personalBestsResponse,
  publicUserResponse,
  ratingHistoryQuery,
  ratingHistoryResponse,
  statisticsResponse,
  userParams,
} from "./contracts/profile.ts";

export const OPENAPI_PATH = "/api/v1/openapi.json";

/** A way a request fails: the status and code it is answered with, and when. */
interface Failure {
  status: number;
  code: ApiErrorCode;
  when: string;
  /** what `error.details` holds; absent: there is none */
  details?: z.ZodType;
  /** the error handler adds the request id to every 5xx it answers (src/api/app.ts) */
  requestId: boolean;
  retryAfter: boolean;
}

function failure(
  status: number,
  code: ApiErrorCode,
  when: string,
  more: Partial<Pick<Failure, "details" | "requestId" | "retryAfter">> = {},
): Failure {
  return { status, code, when, requestId: status >= 500, retryAfter: false, ...more };
}

const RATE_LIMITED = failure(
  429,
  ApiErrorCode.RATE_LIMITED,
  "over a rate limit (per IP, per session, or the route's own); `Retry-After` says in how many seconds to try again",
  { retryAfter: true },
);
const INTERNAL = failure(500, ApiErrorCode.INTERNAL, "anything unexpected; `requestId` finds its log lines");
const DATABASE_UNAVAILABLE = failure(
  503,
  ApiErrorCode.DATABASE_UNAVAILABLE,
  "PostgreSQL is unreachable; `Retry-After` says when to try again",
  { retryAfter: true },
);
const VALIDATION_ERROR = failure(
  422,
  ApiErrorCode.VALIDATION_ERROR,
  "the input does not match the contract; `details` lists every bad field",
  { details: z.array(fieldIssue) },
);
const UNDECODABLE_PARAMETER = failure(
  400,
  ApiErrorCode.BAD_REQUEST,
  "a path parameter that is not valid percent-encoding",
);
const SIGNED_OUT = [
  failure(
    401,
    ApiErrorCode.UNAUTHORIZED,
    "no access token, or one that does not verify (forged, of another kind, a merged guest's)",
  ),
  failure(401, ApiErrorCode.TOKEN_EXPIRED, "the access token has expired"),
];
/** Every state-changing request passes the origin check and the body's limits and parser. */
const WRITE_FAILURES = [
  failure(
    403,
    ApiErrorCode.ORIGIN_NOT_ALLOWED,
    "a web page of another origin sent it (`Origin`, or `Sec-Fetch-Site: cross-site`)",
  ),
  failure(400, ApiErrorCode.BAD_JSON, "the body is not valid JSON"),
  failure(400, ApiErrorCode.BAD_REQUEST, "a body that cannot be read: cut short, or not decompressing"),
  failure(411, ApiErrorCode.LENGTH_REQUIRED, "a body of unknown length (chunked): send a Content-Length"),
  failure(413, ApiErrorCode.PAYLOAD_TOO_LARGE, `a body over ${MAX_BODY_BYTES / 1024} KB`),
  failure(
    415,
    ApiErrorCode.BAD_REQUEST,
    "a JSON body in a charset or content encoding the server does not read",
  ),
];

/** A route asking live rooms of any process (src/rooms/liveRooms.ts). */
const LIVE_ROOMS_UNAVAILABLE = failure(
  503,
  ApiErrorCode.MATCHMAKING_UNAVAILABLE,
  "the listing of other processes' rooms cannot be read (Redis is away) and no stored answer will " +
    "do; `Retry-After` says when to try again",
  { retryAfter: true },
);
const ACCOUNT_REQUIRED = failure(
  403,
  ApiErrorCode.ACCOUNT_REQUIRED,
  "the caller is a guest: only a registered account has an account page",
);
const LOBBY_NOT_FOUND = failure(404, ApiErrorCode.LOBBY_NOT_FOUND, "no open lobby has this id");
const GAME_NOT_FOUND = failure(404, ApiErrorCode.GAME_NOT_FOUND, "no game has this id");
const USER_NOT_FOUND = failure(404, ApiErrorCode.USER_NOT_FOUND, "no user has this id");

type Security = "bearer" | "accessCookie" | "refreshCookie";
const SIGNED_IN: Security[][] = [["bearer"], ["accessCookie"]];

interface Route {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** a signed-in caller only, or anyone while a token that is sent must verify: 401 otherwise */
  auth?: "required" | "optional";
  /** the credentials it reads, when not those of `auth` (each inner list: one way to call it; [] none) */
  security?: Security[][];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** a JSON body, optional */
  body?: z.ZodType;
  answer: Answer;
  /** its failures beyond those that follow from the fields above */
  fails?: Failure[];
  /** it reads or writes PostgreSQL */
  database?: boolean;
}

interface Answer {
  status: 200 | 201 | 302;
  description: string;
  /** the `data` of the envelope; absent for a redirect */
  data?: z.ZodType;
  /** a JSON body of its own, outside the envelope */
  raw?: z.ZodType;
  headers?: z.ZodObject;
}

const TAGS = {
  Auth: "Guest sign-in, provider sign-in (browser navigations), sessions",
  Lobbies: "Lobbies waiting for their race",
  Games: "Races: live while their room runs, then as stored",
  Profiles: "Anyone's under /users/{userId}, the signed-in player's own under /profile",
  Leaderboards: "Daily, weekly and all-time wpm boards, and the rating board",
  Health: "Probes for load balancers and orchestrators",
  Reference: "This document",
} as const;
type Tag = keyof typeof TAGS;

const setsCookies = (which: string) => z.object({ "Set-Cookie": z.string().describe(which) });
const REDIRECT = z.object({
  Location: z.string().describe("where the browser goes next"),
  "Set-Cookie": z.string().optional().describe("the sign-in attempt's or the session's cookies"),
});

const ROUTES: Route[] = [
  {
    method: "post",
    path: "/api/v1/auth/guest",
    operationId: "signInGuest",
    tag: "Auth",
    summary: "Play as a guest",
    description:
      "Creates a guest and signs them in for 24 hours. Without a name the guest gets a friendly " +
      "generated one. Shares the auth routes' rate limit (AUTH_RATE_LIMIT_PER_MINUTE per IP).",
    body: guestSignInBody,
    answer: {
      status: 201,
      description: "Signed in",
      data: signInResponse,
      headers: setsCookies(`${ACCESS_TOKEN_COOKIE}: the access token (HttpOnly, SameSite=Lax, Path=/)`),
    },
    fails: [VALIDATION_ERROR],
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/auth/me",
    operationId: "me",
    tag: "Auth",
    summary: "The signed-in account",
    auth: "required",
    answer: { status: 200, description: "The account", data: meResponse },
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/auth/providers",
    operationId: "signInProviders",
    tag: "Auth",
    summary: "The configured sign-in providers",
    description: 'In OIDC_PROVIDERS order; a "Sign in with …" button links to `/api/v1/auth/{id}/login`.',
    answer: {
      status: 200,
      description: "The providers ([] when none is configured)",
      data: providersResponse,
    },
  },
  {
    method: "get",
    path: "/api/v1/auth/{provider}/login",
    operationId: "providerLogin",
    tag: "Auth",
    summary: "Start signing in with a provider (a browser navigation)",
    description:
      "Redirects to the provider's authorization page (authorization code flow with PKCE, state and, " +
      "for OpenID Connect, nonce), with the attempt in the encrypted `TP_SIGNIN` cookie, once the " +
      "provider's sign-in page answers. A guest's valid access token brings the guest's races along; " +
      "after a sign-out (`TP_SIGNED_OUT`) the provider is asked for its account choice " +
      "(`prompt=select_account`) where it supports it. Failures redirect to the web app with " +
      "`?auth_error=<SignInErrorCode>`.",
    security: [[], ["accessCookie"], ["bearer"]],
    params: providerParams,
    answer: {
      status: 302,
      description: "To the provider, or back to the web app with `auth_error`",
      headers: REDIRECT,
    },
  },
  {
    method: "get",
    path: "/api/v1/auth/{provider}/callback",
    operationId: "providerCallback",
    tag: "Auth",
    summary: "Where the provider sends the browser back",
    description:
      "Checks the attempt, verifies the provider's answer, finds or creates the account and starts a " +
      `session: \`${ACCESS_TOKEN_COOKIE}\` (ACCESS_TOKEN_TTL_S, 15 minutes by default) and \`${REFRESH_TOKEN_COOKIE}\` (30 days). ` +
      "Success and failure both redirect to the web app: success with `?signed_in=<provider>` " +
      "(and `&races_moved=<n>` when a guest's races moved), a failure with " +
      "`?auth_error=<SignInErrorCode>`; the attempt opened again by a signed-in browser, without either.",
    params: providerParams,
    query: providerCallbackQuery,
    answer: { status: 302, description: "Back to the web app", headers: REDIRECT },
    database: true,
  },
  {
    method: "post",
    path: "/api/v1/auth/refresh",
    operationId: "refreshSession",
    tag: "Auth",
    summary: "Renew the session",
    description:
      `Rotates the \`${REFRESH_TOKEN_COOKIE}\` cookie and issues a fresh access token. A refresh token ` +
      "presented a second time revokes its whole session, except within 10 seconds of its rotation while " +
      "its successor is unused: that duplicate gets the same new pair. Shares the auth routes' rate limit.",
    security: [["refreshCookie"]],
    answer: {
      status: 200,
      description: "A fresh access token",
      data: signInResponse,
      headers: setsCookies(`${ACCESS_TOKEN_COOKIE} and the rotated ${REFRESH_TOKEN_COOKIE}`),
    },
    fails: [
      failure(
        401,
        ApiErrorCode.UNAUTHORIZED,
        `no \`${REFRESH_TOKEN_COOKIE}\`, or an unknown, expired, revoked or reused one`,
      ),
    ],
    database: true,
  },
  {
    method: "post",
    path: "/api/v1/auth/logout",
    operationId: "signOut",
    tag: "Auth",
    summary: "Sign out",
    description:
      "Revokes the refresh cookie's session and clears both cookies; also without a session. Sets " +
      "`TP_SIGNED_OUT`, so that the next sign-in asks for the provider's account choice. Shares the " +
      "auth routes' rate limit.",
    security: [[], ["refreshCookie"]],
    answer: {
      status: 200,
      description: "Signed out",
      data: signOutResponse,
      headers: setsCookies("both cookies, cleared, and TP_SIGNED_OUT"),
    },
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/auth/account",
    operationId: "account",
    tag: "Auth",
    summary: "The signed-in account and the providers it signs in with",
    auth: "required",
    answer: { status: 200, description: "The account", data: accountResponse },
    fails: [ACCOUNT_REQUIRED],
    database: true,
  },
  {
    method: "patch",
    path: "/api/v1/auth/account",
    operationId: "renameAccount",
    tag: "Auth",
    summary: "Rename the account",
    description:
      "The name follows the display-name rule (1–24 printable characters, some visible) and is kept over " +
      "the provider's at later sign-ins. Answers a fresh access token carrying it (and sets " +
      `\`${ACCESS_TOKEN_COOKIE}\`); tokens handed out before keep the old name until they expire. ` +
      "Shares the auth routes' rate limit.",
    auth: "required",
    body: renameBody,
    answer: {
      status: 200,
      description: "Renamed",
      data: signInResponse,
      headers: setsCookies(`${ACCESS_TOKEN_COOKIE}: the new access token`),
    },
    fails: [VALIDATION_ERROR, ACCOUNT_REQUIRED],
    database: true,
  },
  {
    method: "delete",
    path: "/api/v1/auth/account",
    operationId: "deleteAccount",
    tag: "Auth",
    summary: "Delete the account and its data",
    description:
      "Deletes the account with its races, personal bests, leaderboard places, statistics, linked " +
      "providers and sessions, and the guests merged into it; clears both cookies. Other players' " +
      "results of the same races stay. Shares the auth routes' rate limit.",
    auth: "required",
    answer: {
      status: 200,
      description: "Deleted",
      data: deleteAccountResponse,
      headers: setsCookies("both cookies, cleared"),
    },
    fails: [ACCOUNT_REQUIRED],
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/lobbies/{roomId}",
    operationId: "lobby",
    tag: "Lobbies",
    summary: "A lobby waiting for its race",
    params: lobbyParams,
    answer: { status: 200, description: "The lobby", data: lobbyResponse },
    fails: [VALIDATION_ERROR, LOBBY_NOT_FOUND, LIVE_ROOMS_UNAVAILABLE],
  },
  {
    method: "post",
    path: "/api/v1/lobbies/{roomId}/leave",
    operationId: "leaveLobby",
    tag: "Lobbies",
    summary: "Leave a lobby (a closing page's beacon)",
    auth: "required",
    params: lobbyParams,
    answer: { status: 200, description: "Left: the others see it at once", data: leaveLobbyResponse },
    fails: [
      VALIDATION_ERROR,
      LOBBY_NOT_FOUND,
      failure(404, ApiErrorCode.NOT_IN_LOBBY, "the caller is not in this lobby"),
      LIVE_ROOMS_UNAVAILABLE,
    ],
  },
  {
    method: "get",
    path: "/api/v1/games/live",
    operationId: "liveGames",
    tag: "Games",
    summary: "The public races on now, to watch",
    description:
      "Public races in countdown or racing, on every process (through Redis when configured), " +
      "newest first, at most 50, each with its players' positions. Private races are never listed. " +
      "Watch one with `joinById(gameId, { spectate: true })`.",
    answer: { status: 200, description: "The races", data: liveRacesResponse },
    fails: [LIVE_ROOMS_UNAVAILABLE],
  },
  {
    method: "get",
    path: "/api/v1/games/{gameId}",
    operationId: "game",
    tag: "Games",
    summary: "A race as it stands",
    description:
      "From its room while the race runs (`secondsLeft` to the start, then to the time limit), else " +
      "from PostgreSQL (`secondsLeft` 0), each player's position replayed from their keystrokes.",
    params: gameParams,
    answer: { status: 200, description: "The race", data: gameResponse },
    fails: [VALIDATION_ERROR, GAME_NOT_FOUND, LIVE_ROOMS_UNAVAILABLE],
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/games/{gameId}/countdown",
    operationId: "gameCountdown",
    tag: "Games",
    summary: "When typing opens",
    params: gameParams,
    answer: { status: 200, description: "The start", data: countdownResponse },
    fails: [VALIDATION_ERROR, GAME_NOT_FOUND, LIVE_ROOMS_UNAVAILABLE],
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/games/{gameId}/result",
    operationId: "gameResult",
    tag: "Games",
    summary: "A race's ranking",
    description:
      "Finished players by rank, then those who did not finish (`rank` and `finishedAt` null), " +
      "fastest first. During the race, those who have finished so far.",
    params: gameParams,
    answer: { status: 200, description: "The ranking", data: resultResponse },
    fails: [VALIDATION_ERROR, GAME_NOT_FOUND, LIVE_ROOMS_UNAVAILABLE],
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/games/{gameId}/replay",
    operationId: "gameReplay",
    tag: "Games",
    summary: "A race's replay: every key of every player",
    description:
      "Once the race is over: its text and, per player (finishers by rank, then those who did not " +
      "finish), their figures and every key the server applied with its time in ms since `startsAt`. " +
      "Flagged results are included, marked `flagged`. The answer never changes: cache it for good " +
      "(`Cache-Control: immutable`, a weak ETag); gzipped when the request accepts it.",
    params: gameParams,
    answer: {
      status: 200,
      description: "The replay",
      data: replayResponse,
      headers: z.object({
        ETag: z.string().describe("names the replay, whichever encoding carries it (weak)"),
        "Cache-Control": z.string().describe("public, max-age=31536000, immutable"),
      }),
    },
    fails: [
      VALIDATION_ERROR,
      GAME_NOT_FOUND,
      failure(
        409,
        ApiErrorCode.RACE_NOT_OVER,
        "the race is still on, or its results are still being written; ask again once it is over",
      ),
    ],
    database: true,
  },
  {
    method: "get",
    path: "/api/v1/users/{userId}",
    operationId: "user",
    tag: "Profiles",
    summary: "A profile's heading",
    params: userParams,
    answer: { status: 200, description: "The user", data: publicUserResponse },
    fails: [VALIDATION_ERROR, USER_NOT_FOUND],
    database: true,
  },
  ...profileReads(),
  {
    method: "get",
    path: "/api/v1/leaderboards",
    operationId: "leaderboard",
    tag: "Leaderboards",
    summary: "A leaderboard",
    description:
      "board=wpm (the default): each player's best finished, unflagged result of that length in the " +
      "period, best first. board=rating: registered players with at least 10 rated races, by rating " +
      "(then id); period, words and date do not apply to it. Signed in, `me` is the caller's own " +
      "entry, with their rank even below the top.",
    auth: "optional",
    query: leaderboardQuery,
    answer: { status: 200, description: "The board", data: leaderboardResponse },
    fails: [VALIDATION_ERROR],
    database: true,
  },
  {
    method: "get",
    path: OPENAPI_PATH,
    operationId: "openApiDocument",
    tag: "Reference",
    summary: "This document (OpenAPI 3.1)",
    description: "Not in the envelope: the document itself. Read by the reference page at /api/docs.",
    answer: {
      status: 200,
      description: "The OpenAPI document",
      raw: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
    },
  },
  {
    method: "get",
    path: "/healthz",
    operationId: "liveness",
    tag: "Health",
    summary: "The process is alive",
    answer: { status: 200, description: "Alive", data: liveness },
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "readiness",
    tag: "Health",
    summary: "Every dependency answers",
    description:
      "PostgreSQL (and Redis, with matchmaking's own connections, when configured) within 2 s, and " +
      "the process is not shutting down.",
    answer: { status: 200, description: "Ready", data: readiness },
    fails: [
      failure(503, ApiErrorCode.NOT_READY, "a dependency does not answer; the message names it", {
        details: readiness,
        requestId: false,
      }),
    ],
  },
];

/** The profile's reads: anyone's under /users/{userId}, the caller's own under /profile, one shape. */
function profileReads(): Route[] {
  const reads = [
    { name: "statistics", id: "Statistics", summary: "Statistics", data: statisticsResponse },
    {
      name: "graph",
      id: "Graph",
      summary: "The last finished races, oldest first",
      data: graphResponse,
      query: graphQuery,
    },
    {
      name: "rating-history",
      id: "RatingHistory",
      summary: "The rating over the last rated races, oldest first",
      data: ratingHistoryResponse,
      query: ratingHistoryQuery,
    },
    {
      name: "history",
      id: "History",
      summary: "Finished races, newest first, a page at a time",
      data: historyResponse,
      query: historyQuery,
    },
    {
      name: "personal-bests",
      id: "PersonalBests",
      summary: "The best race of each text length",
      data: personalBestsResponse,
    },
  ];
  return reads.flatMap(({ name, id, summary, data, query }): Route[] => {
    const read = {
      method: "get",
      tag: "Profiles",
      query,
      answer: { status: 200, description: summary, data },
      database: true,
    } as const;
    return [
      {
        ...read,
        path: `/api/v1/users/{userId}/${name}`,
        operationId: `user${id}`,
        summary,
        params: userParams,
        fails: [VALIDATION_ERROR, USER_NOT_FOUND],
      },
      {
        ...read,
        path: `/api/v1/profile/${name}`,
        operationId: `own${id}`,
        summary: `${summary}: the signed-in player's own`,
        auth: "required",
        fails: query ? [VALIDATION_ERROR, USER_NOT_FOUND] : [USER_NOT_FOUND],
      },
    ];
  });
}

/** The failures a route has by what it takes and needs. */
function impliedFailures(route: Route): Failure[] {
  // Health probes are not under /api: no rate limit, and nothing there throws.
  if (!route.path.startsWith("/api/")) return [];
  return [
    ...(route.method === "get" ? [] : WRITE_FAILURES),
    ...(route.path.includes("{") ? [UNDECODABLE_PARAMETER] : []),
    ...(route.auth ? SIGNED_OUT : []),
    RATE_LIMITED,
    INTERNAL,
    ...(route.database ? [DATABASE_UNAVAILABLE] : []),
  ];
}

const apiErrorEnvelope = z
  .object({ ok: z.literal(false), error: apiErrorBody })
  .meta({ id: "ApiErrorEnvelope", description: "Any failure; each operation says which codes it answers" });

const json = (schema: z.ZodType) => ({ "application/json": { schema } });
const RETRY_AFTER = z.object({
  "Retry-After": z.string().regex(/^\d+$/).describe("seconds to wait before trying again"),
});

function responses(route: Route): ZodOpenApiResponsesObject {
  const { answer } = route;
  const body = answer.raw ?? (answer.data && z.object({ ok: z.literal(true), data: answer.data }));
  const byStatus: Record<string, ZodOpenApiResponseObject> = {
    [answer.status]: {
      description: answer.description,
      ...(body ? { content: json(body) } : {}),
      ...(answer.headers ? { headers: answer.headers } : {}),
    },
  };
  // Express tags every GET answer with an ETag, and answers a matching If-None-Match with a 304.
  if (route.method === "get" && body) {
    byStatus["304"] = { description: "Not modified: the `If-None-Match` ETag is still current" };
  }
  const failures = [...(route.fails ?? []), ...impliedFailures(route)];
  for (const status of new Set(failures.map((failure) => failure.status))) {
    byStatus[status] = failureResponse(failures.filter((failure) => failure.status === status));
  }
  return byStatus as ZodOpenApiResponsesObject;
}

/** One status's failures: one envelope whose `code` is one of theirs. */
function failureResponse(failures: Failure[]): ZodOpenApiResponseObject {
  const [first] = failures as [Failure, ...Failure[]];
  const alike = failures.every(
    (other) =>
      other.details === first.details &&
      other.requestId === first.requestId &&
      other.retryAfter === first.retryAfter,
  );
  if (!alike) throw new Error(`the failures answering ${first.status} differ in shape`);
  const codes = [...new Set(failures.map((failure) => failure.code))] as [ApiErrorCode, ...ApiErrorCode[]];
  const error = z.object({
    code: z.enum(codes),
    message: apiErrorBody.shape.message,
    ...(first.details ? { details: first.details } : {}),
    ...(first.requestId ? { requestId: z.string().describe(`the request's ${REQUEST_ID_HEADER}`) } : {}),
  });
  return {
    description: failures.map((failure) => `- \`${failure.code}\`: ${failure.when}`).join("\n"),
    content: json(z.object({ ok: z.literal(false), error })),
    ...(first.retryAfter ? { headers: RETRY_AFTER } : {}),
  };
}

const SECURITY_SCHEMES: Record<Security, oas31.SecuritySchemeObject> = {
  bearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An access token from a sign-in (`accessToken`); the header wins over the cookie.",
  },
  accessCookie: {
    type: "apiKey",
    in: "cookie",
    name: ACCESS_TOKEN_COOKIE,
    description: "The access token, as the sign-ins set it (HttpOnly).",
  },
  refreshCookie: {
    type: "apiKey",
    in: "cookie",
    name: REFRESH_TOKEN_COOKIE,
    description: "A registered account's refresh token (HttpOnly, Path=/api/v1/auth): renews the session.",
  },
};

function operation(route: Route): ZodOpenApiOperationObject {
  const security =
    route.security ?? (route.auth === "required" ? SIGNED_IN : route.auth ? [[], ...SIGNED_IN] : undefined);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.params || route.query
      ? {
          requestParams: {
            ...(route.params ? { path: route.params } : {}),
            ...(route.query ? { query: route.query } : {}),
          },
        }
      : {}),
    ...(route.body ? { requestBody: { required: false, content: json(route.body) } } : {}),
    responses: responses(route),
    ...(security
      ? { security: security.map((ways) => Object.fromEntries(ways.map((scheme) => [scheme, []]))) }
      : {}),
  };
}

const DESCRIPTION = `The HTTP API of Typephoon, a real-time multiplayer typing race. Races themselves run over
WebSocket rooms (docs/protocol.md); this API signs players in and reads lobbies, races, profiles and
leaderboards. The prose reference is docs/api.md.

- **Envelope.** Success: \`{ "ok": true, "data": … }\`; failure: \`{ "ok": false, "error": { "code",
  "message", "details"?, "requestId"? } }\` with a stable upper-case code. Each operation lists the
  codes it can answer, by status.
- **Authentication.** An access token as \`Authorization: Bearer <token>\` or the \`${ACCESS_TOKEN_COOKIE}\` cookie.
- **Request ids.** Every answer carries \`${REQUEST_ID_HEADER}\` (a well-formed incoming one is kept).
- **Rate limits.** Every route under /api has a budget per client IP and one per session; over it:
  \`429 RATE_LIMITED\` with \`Retry-After\`.`;

/** The whole document; pure: the same for every server process of this code. */
export function createApiDocument(): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return createDocument(
    {
      openapi: "3.1.0",
      info: { title: "Typephoon HTTP API", version: "1", description: DESCRIPTION },
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      paths,
      components: {
        securitySchemes: SECURITY_SCHEMES,
        // The contracts name the schemas that become components (`.meta({ id })`); this one is
        // referred to by no route, but describes every failure, of routes and of unknown paths alike.
        schemas: { ApiErrorEnvelope: apiErrorEnvelope },
      },
    },
    { override: plainerSchema },
  ) as oas31.OpenAPIObject;
}

/**
 * zod states a safe integer's bounds, and a uuid's or a time's regular expression beside its
 * `format`: `type: integer` and `format` say the same, and without them the examples a reader sees
 * look like values (ajv-formats checks the formats in the tests).
 */
function plainerSchema({ jsonSchema }: { jsonSchema: Record<string, unknown> }): void {
  if (jsonSchema.type === "integer") {
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  }
  if (jsonSchema.type === "string" && FORMATS_WITH_PATTERNS.has(jsonSchema.format as string)) {
    delete jsonSchema.pattern;
  }
}
const FORMATS_WITH_PATTERNS = new Set(["uuid", "date-time", "date"]);
