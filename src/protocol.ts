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
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  NOT_FOUND: "NOT_FOUND",
  UNAUTHORIZED: "UNAUTHORIZED",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  INTERNAL: "INTERNAL",
  NOT_READY: "NOT_READY",
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
export const REQUEST_ID_HEADER = "X-Request-Id";
