/**
 * What every HTTP request meets first. Upstream: Colyseus installs one "request" listener on the
 * server that answers CORS preflights, serves its own router's routes (/matchmake/:method/:roomName
 * and /__healthcheck) and hands everything else to Express (`bindRouterToTransport`, in
 * @colyseus/core's router). Its matchmaking route reads any body whole before any check, answers a
 * refusal whose code is not an HTTP status with an empty 500, and a shutdown with an empty 503; so
 * /matchmake goes to Express instead (src/api/matchmakeRoutes.ts), with the CORS headers Colyseus
 * would have given it. Everything else takes Colyseus's path as before.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type express from "express";
import { corsHeadersOf } from "./cors.ts";

const MATCHMAKE_PREFIX = "/matchmake/";

/** Call once the game server listens (Colyseus binds its listener then). */
export function routeMatchmakingThroughExpress(server: Server, app: express.Application): void {
  const colyseus = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (colyseus.length !== 1) {
    throw new Error(`expected Colyseus's one request listener, found ${colyseus.length}`);
  }
  const [colyseusListener] = colyseus as [(req: IncomingMessage, res: ServerResponse) => void];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "OPTIONS" || !req.url?.startsWith(MATCHMAKE_PREFIX)) {
      colyseusListener.call(server, req, res);
      return;
    }
    for (const [name, value] of Object.entries(
      corsHeadersOf(new Headers(req.headers as Record<string, string>)),
    )) {
      res.setHeader(name, value);
    }
    app(req as express.Request, res as express.Response);
  });
}
