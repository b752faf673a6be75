/**
 * The API bench's floors: what answering a request costs before any of Typephoon's work. Every GET
 * is answered with the body of Typephoon's `/healthz` (`{"ok":true,"data":{"alive":true}}`), by
 * Node's own `http` server (FRAMEWORK=node) or by an Express 5 app with no middleware
 * (FRAMEWORK=express), the framework Typephoon's API runs on. Against these, Typephoon's own
 * `/healthz` measures its middleware (logging, security headers, CORS), and its reads the rest.
 *
 * `FRAMEWORK=… PORT=… node bench/baselines/bareHttp.ts` prints "listening <port>" when ready.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { HttpFloor } from "../systems.ts";

const BODY = { ok: true, data: { alive: true } };
const serialized = JSON.stringify(BODY);

function listen(framework: HttpFloor): Server {
  if (framework === "node") {
    return createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(serialized);
    });
  }
  const app = express();
  app.get("/{*path}", (_req, res) => {
    res.json(BODY);
  });
  return createServer(app);
}

const framework = process.env.FRAMEWORK;
if (framework !== "node" && framework !== "express") throw new Error("FRAMEWORK must be node or express");
const server = listen(framework).listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
