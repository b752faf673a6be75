/**
 * The request log: every request gets an X-Request-Id (the caller's, when well formed), a line
 * when it ends (method, path, status, milliseconds; 5xx at error), and `req.log`, the logger that
 * puts its id on whatever a handler logs about it.
 *
 * `req.log` is made on first use: most requests log nothing but their last line, which carries the
 * id itself. pino-http, used before, made two child loggers per request whatever the level, a
 * visible share of the CPU of a request that does no work.
 */
import { randomUUID } from "node:crypto";
import type { Application, Express, RequestHandler } from "express";
import type { Logger } from "../log.ts";
import { REQUEST_ID_HEADER } from "../protocol.ts";

declare module "node:http" {
  interface IncomingMessage {
    /** this request's X-Request-Id */
    id: string;
    /** the request logger: every line carries the request's id */
    log: Logger;
  }
}

const requestLogKey = Symbol("requestLog");
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const REQUEST_ID_HEADER_KEY = REQUEST_ID_HEADER.toLowerCase();
/** The liveness probe, polled every few seconds: a line each would drown the log. */
const PROBE_PATH = "/healthz";

export function requestLogging(app: Application, log: Logger): RequestHandler {
  const http = log.child({ component: "http" });
  // On the app's request prototype, once: defined on each request, it made every request slower.
  // (Colyseus types the app it hands over as an Application; it is the whole Express app.)
  Object.defineProperty((app as Express).request, "log", {
    get(this: { id: string; [requestLogKey]?: Logger }) {
      this[requestLogKey] ??= http.child({ requestId: this.id });
      return this[requestLogKey];
    },
  });
  return (req, res, next) => {
    const startedAt = performance.now();
    const incoming = req.headers[REQUEST_ID_HEADER_KEY];
    const requestId =
      typeof incoming === "string" && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    req.id = requestId;
    // Method and path only: the query may hold what the log should not, headers carry tokens.
    const { method } = req;
    const path = req.url.split("?", 1)[0]!;
    if (path !== PROBE_PATH) {
      res.once("close", () => {
        const line = {
          requestId,
          req: { method, url: path },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - startedAt),
        };
        if (!res.writableFinished) http.info(line, "request aborted");
        else if (res.statusCode >= 500) http.error(line, "request failed");
        else http.info(line, "request completed");
      });
    }
    next();
  };
}
