/**
 * Serves the built web client (web/dist, see web/build.ts) at `/`. Its screens are hash routes
 * (`/#/race/<gameId>`), so `/` and the bundle's files are the only paths it needs; anything else
 * falls through to the API's 404 envelope.
 *
 * `GET /` is registered as a route of its own: without an explicit root route on the Express app,
 * Colyseus answers `/` itself with its version string.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express from "express";
import { WEB_DIST } from "../../web/build.ts";

/** Bundle files carry a content hash in their names: they never change, so browsers keep them. */
const HASHED_FILE = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;

export function mountWebClient(app: express.Application, dir: string = WEB_DIST): void {
  const index = path.join(dir, "index.html");
  app.get("/", (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type("text/plain").send("The web client is not built yet: run `npm run build:web`.");
      return;
    }
    // Always revalidated: it names the current bundle.
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  app.use(
    express.static(dir, {
      index: false,
      redirect: false,
      setHeaders(res, file) {
        res.setHeader(
          "Cache-Control",
          HASHED_FILE.test(file) ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    }),
  );
}
