/**
 * What every HTTP request meets first. Upstream: Colyseus installs one "request" listener on the
 * server that answers CORS preflights, serves its own router's routes (/matchmake/:method/:roomName
 * and /__healthcheck) and hands everything else to Express (`bindRouterToTransport`, in
 * @colyseus/core's router), after building a WHATWG `Headers` of the request and looking its path up
 * in its router: a share of every API request's CPU. Its matchmaking route reads any body whole
 * before any check, answers a refusal whose code is not an HTTP status with an empty 500, and a
 * shutdown with an empty 503. So Colyseus keeps only preflights and /__healthcheck; everything else,
 * /matchmake included (src/api/matchmakeRoutes.ts), goes straight to Express with the CORS headers
 * Colyseus would have given it.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type express from "express";
import { corsHeadersOf } from "./cors.ts";

/** Colyseus's routes left to it (its matchmaking route is Typephoon's). */
const COLYSEUS_PATHS = new Set(["/__healthcheck"]);

/** Call once the game server listens (Colyseus binds its listener then). */
export function serveThroughExpress(server: Server, app: express.Application): void {
  const colyseus = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (colyseus.length !== 1) {
    throw new Error(`expected Colyseus's one request listener, found ${colyseus.length}`);
  }
  const [colyseusListener] = colyseus as [(req: IncomingMessage, res: ServerResponse) => void];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "OPTIONS" || COLYSEUS_PATHS.has(req.url?.split("?", 1)[0] ?? "")) {
      colyseusListener.call(server, req, res);
      return;
    }
    for (const [name, value] of Object.entries(corsHeadersOf(req.headers.origin))) {
      res.setHeader(name, value);
    }
    app(req as express.Request, res as express.Response);
  });
}
