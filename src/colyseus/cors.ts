/**
 * Which web pages may call this server with the visitor's credentials: its own origin, and the
 * CORS_ORIGINS allow-list.
 *
 * Upstream: Colyseus answers every preflight and adds CORS headers to every response, the API's
 * included, before Express sees the request, echoing any Origin with credentials by default
 * (`bindRouterToTransport` in @colyseus/core's router). Its controller's hooks are the only way in.
 */
import { matchMaker } from "@colyseus/core";
import { REQUEST_ID_HEADER } from "../protocol.ts";

const { controller } = matchMaker;
/** Colyseus's own, taken before any server of this process replaces them. */
const COLYSEUS_CORS_HEADERS = controller.DEFAULT_CORS_HEADERS;

/**
 * Applies the allow-list to Colyseus's CORS handling. The controller is global to the process:
 * every server in it answers with the last list applied.
 */
export function applyCorsAllowList(allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins);
  const {
    "Access-Control-Allow-Origin": _anyOrigin,
    "Access-Control-Allow-Credentials": _credentials,
    ...rest
  } = COLYSEUS_CORS_HEADERS;
  const forAllowedOrigin = {
    ...rest,
    "Access-Control-Allow-Headers": `Content-Type, Authorization, ${REQUEST_ID_HEADER}`,
    "Access-Control-Expose-Headers": `${REQUEST_ID_HEADER}, Retry-After`,
    "Access-Control-Max-Age": "600",
    "Access-Control-Allow-Credentials": "true",
  };
  // Every answer depends on the Origin; the CORS headers are only for pages of allowed origins.
  controller.DEFAULT_CORS_HEADERS = { Vary: "Origin" } as unknown as typeof controller.DEFAULT_CORS_HEADERS;
  controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get("origin");
    if (!origin || !allowed.has(origin)) return {};
    return { ...forAllowedOrigin, "Access-Control-Allow-Origin": origin };
  };
}

/** The CORS headers Colyseus gives an answer to `headers`' request (the allow-list applied). */
export function corsHeadersOf(headers: Headers): Record<string, string> {
  return { ...controller.DEFAULT_CORS_HEADERS, ...controller.getCorsHeaders(headers) };
}
