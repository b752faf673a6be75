/**
 * The API describes itself: its OpenAPI document at GET /api/v1/openapi.json (src/api/openapi.ts),
 * and a reference page reading it at GET /api/docs — Swagger UI, served from the swagger-ui-dist
 * package with an init script of our own (src/api/docsPage/), so that nothing is fetched from
 * elsewhere and helmet's Content-Security-Policy for pages holds as it is.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { type Response, Router } from "express";
import { createApiDocument, OPENAPI_PATH } from "./openapi.ts";
import { keptGzipped, type PreparedBody, preparedJson, sendPrepared } from "./respond.ts";

const API_DOCS_PATH = "/api/docs";

const PAGE_DIR = path.join(import.meta.dirname, "docsPage");
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
/** What the page loads of the package, which holds more: a demo page reading a document elsewhere, say. */
const SWAGGER_UI_FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"];

export function docsRoutes(): Router {
  const router = Router();
  // Made at the first request: the same for the process's whole life, it comes from the code.
  let document: Promise<PreparedBody> | undefined;

  router.get(OPENAPI_PATH, async (_req, res) => {
    document ??= keptGzipped(preparedJson(createApiDocument()));
    sendPrepared(res, 200, await document);
  });
  router.get(API_DOCS_PATH, (_req, res) => sendFile(res, path.join(PAGE_DIR, "index.html")));
  router.get(`${API_DOCS_PATH}/init.js`, (_req, res) => sendFile(res, path.join(PAGE_DIR, "init.js")));
  for (const file of SWAGGER_UI_FILES) {
    router.get(`${API_DOCS_PATH}/assets/${file}`, (_req, res) =>
      sendFile(res, path.join(SWAGGER_UI_DIR, file)),
    );
  }
  return router;
}

/** Revalidated on every load (a 304 while unchanged): the page and Swagger UI change with upgrades. */
function sendFile(res: Response, file: string): void {
  res.setHeader("Cache-Control", "no-cache");
  res.sendFile(file);
}
