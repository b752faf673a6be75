/**
 * Security headers. Pages (the web client, the API's reference page) get helmet's defaults. JSON
 * answers (the API, matchmaking, the health checks) are never rendered: they get the headers that
 * apply to them (OWASP's for REST services), not helmet's dozen meant for pages, which were a visible
 * share of the CPU of a kept read.
 */
import type { RequestHandler } from "express";
import helmet from "helmet";

const ANSWER_HEADERS = Object.entries({
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Referrer-Policy": "no-referrer",
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
});

/** Paths whose answers are JSON: everything under /api/v1/ and /matchmake/, and the health checks. */
const isAnswer = (url: string) =>
  url.startsWith("/api/v1/") || url.startsWith("/matchmake/") || url === "/healthz" || url === "/readyz";

export function securityHeaders(): RequestHandler {
  // TLS is the proxy's business: upgrading http requests would break plain-http setups (a LAN).
  const pageHeaders = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  return (req, res, next) => {
    if (!isAnswer(req.url)) return pageHeaders(req, res, next);
    for (const [name, value] of ANSWER_HEADERS) res.setHeader(name, value);
    next();
  };
}
