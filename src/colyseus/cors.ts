/**
 * Which web pages may call this server with the visitor's credentials: its own origin, and the
 * CORS_ORIGINS allow-list.
 *
 * Upstream: Colyseus answers every preflight, echoing any Origin with credentials by default
 * (`bindRouterToTransport` in @colyseus/core's router); its controller's hooks are the only way in.
 * Every other answer gets the same headers from `corsHeadersOf` (src/colyseus/httpFront.ts).
 */
import { matchMaker } from "@colyseus/core";
import { REQUEST_ID_HEADER } from "../protocol.ts";

const { controller } = matchMaker;
/** Colyseus's own, taken before any server of this process replaces them. */
const COLYSEUS_CORS_HEADERS = controller.DEFAULT_CORS_HEADERS;

/** No CORS header but this one: every answer depends on the Origin. */
const ANY_ANSWER = { Vary: "Origin" };
let allowed = new Set<string>();
let forAllowedOrigin: Record<string, string> = {};

/**
 * Applies the allow-list to Colyseus's CORS handling. The controller is global to the process:
 * every server in it answers with the last list applied.
 */
export function applyCorsAllowList(allowedOrigins: readonly string[]): void {
  allowed = new Set(allowedOrigins);
  const {
    "Access-Control-Allow-Origin": _anyOrigin,
    "Access-Control-Allow-Credentials": _credentials,
    ...rest
  } = COLYSEUS_CORS_HEADERS;
  forAllowedOrigin = {
    ...rest,
    "Access-Control-Allow-Headers": `Content-Type, Authorization, ${REQUEST_ID_HEADER}`,
    "Access-Control-Expose-Headers": `${REQUEST_ID_HEADER}, Retry-After`,
    "Access-Control-Max-Age": "600",
    "Access-Control-Allow-Credentials": "true",
  };
  // The CORS headers are only for pages of allowed origins.
  controller.DEFAULT_CORS_HEADERS = ANY_ANSWER as unknown as typeof controller.DEFAULT_CORS_HEADERS;
  controller.getCorsHeaders = (headers: Headers): Record<string, string> =>
    allowedOriginHeaders(headers.get("origin") ?? undefined);
}

const allowedOriginHeaders = (origin: string | undefined): Record<string, string> =>
  origin !== undefined && allowed.has(origin)
    ? { ...forAllowedOrigin, "Access-Control-Allow-Origin": origin }
    : {};

/** The CORS headers Colyseus gives an answer to a request from `origin` (the allow-list applied). */
export function corsHeadersOf(origin: string | undefined): Record<string, string> {
  return origin === undefined ? ANY_ANSWER : { ...ANY_ANSWER, ...allowedOriginHeaders(origin) };
}
