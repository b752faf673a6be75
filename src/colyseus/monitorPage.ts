/**
 * Upstream: @colyseus/monitor's page links the Material Icons stylesheet from Google's font servers,
 * though its own code never uses that font (its icons are SVG). An admin page should load nothing
 * from the internet: its index.html is served here without that link, everything else as the
 * library serves it.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RequestHandler } from "express";

/** The library's page, beside its build (build/index.mjs → build/static/index.html). */
export const MONITOR_INDEX = path.join(
  path.dirname(fileURLToPath(import.meta.resolve("@colyseus/monitor"))),
  "static",
  "index.html",
);
export const WEB_FONT_LINK = /<link[^>]*fonts\.googleapis\.com[^>]*>\s*/;

/** Answers the monitor's page (its index and its client-side routes); its API and files pass on. */
export function monitorPageWithoutWebFonts(): RequestHandler {
  let page: Promise<string> | undefined;
  return async (req, res, next) => {
    if (req.method !== "GET" || path.extname(req.path) || req.path.startsWith("/api")) return next();
    page ??= readFile(MONITOR_INDEX, "utf8").then((html) =>
      html.replace(new RegExp(WEB_FONT_LINK.source, "g"), ""),
    );
    res.type("html").send(await page);
  };
}
