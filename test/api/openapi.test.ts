/**
 * The API describes itself: an OpenAPI 3.1 document built from the zod contracts, listing every
 * route the server serves under /api/v1, served at GET /api/v1/openapi.json and readable at
 * /api/docs in a browser. That every answer the API gives matches it is checked by every API
 * test: `call()` (test/support/http.ts) checks each answer it receives against it.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { oas31 } from "zod-openapi";
import { DESKTOP, launchChromium, playerPage, screenshot } from "../support/chromium.ts";
import { call, signInGuest } from "../support/http.ts";
import { apiDocument, assertDescribed, documentSchema } from "../support/openapi.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Every operation of the document, as `METHOD /path/{param}`. */
function documentedOperations(document: oas31.OpenAPIObject): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every route an Express app serves, as `METHOD /path/{param}`, from its routers' own tables. */
function servedRoutes(stack: RouterLayer[], prefix = ""): string[] {
  return stack.flatMap((layer) => {
    const path = typeof layer.rawPath === "string" ? layer.rawPath : undefined;
    if (layer.route) {
      const full = `${prefix}${layer.route.path}`.replace(/\/$/, "").replace(/:(\w+)/g, "{$1}");
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${full}`);
    }
    if (layer.handle?.stack && path !== undefined) {
      return servedRoutes(layer.handle.stack, `${prefix}${path === "/" ? "" : path}`);
    }
    return [];
  });
}

/** Every `$ref` in a JSON value, with where it was found. */
function refsIn(value: unknown, at = "#"): Array<{ ref: string; at: string }> {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [{ ref: inner, at }] : refsIn(inner, `${at}/${key}`),
  );
}

function resolvePointer(document: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split("/")
    .map((token) => decodeURIComponent(token).replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>(
      (node, key) =>
        typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined,
      document,
    );
}

describe("the API document", () => {
  const document = apiDocument();
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it("is an OpenAPI 3.1 document whose every $ref resolves and every schema compiles", () => {
    assert.match(document.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof document.info.title, "string");
    assert.equal(typeof document.info.version, "string");
    const refs = refsIn(document);
    assert.ok(refs.length > 0);
    for (const { ref, at } of refs) {
      assert.match(ref, /^#\//, `${at}: only refs within the document`);
      assert.notEqual(resolvePointer(document, ref), undefined, `${at}: ${ref} resolves to nothing`);
    }

    const tags = new Set(document.tags?.map((tag) => tag.name));
    const schemes = new Set(Object.keys(document.components?.securitySchemes ?? {}));
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const name = `${method.toUpperCase()} ${path}`;
        assert.ok(
          operation.operationId && !operationIds.has(operation.operationId),
          `${name}: a unique operationId`,
        );
        operationIds.add(operation.operationId);
        for (const tag of operation.tags ?? []) assert.ok(tags.has(tag), `${name}: tag ${tag} is declared`);
        for (const requirement of operation.security ?? []) {
          for (const scheme of Object.keys(requirement)) assert.ok(schemes.has(scheme), `${name}: ${scheme}`);
        }
        const parameters = (operation.parameters ?? []) as oas31.ParameterObject[];
        const inPath = parameters.filter((parameter) => parameter.in === "path");
        assert.deepEqual(
          inPath.map((parameter) => parameter.name).sort(),
          templated.sort(),
          `${name}: path parameters`,
        );
        assert.ok(
          inPath.every((parameter) => parameter.required),
          `${name}: path parameters are required`,
        );
        for (const index of parameters.keys()) {
          documentSchema("paths", path, method, "parameters", String(index), "schema");
        }
        if (operation.requestBody) {
          documentSchema("paths", path, method, "requestBody", "content", "application/json", "schema");
        }
        const responses = Object.entries(operation.responses ?? {});
        assert.ok(responses.length > 0, `${name}: its responses`);
        for (const [status, response] of responses) {
          assert.match(status, /^[1-5]\d\d$/, `${name}: a status, not a range or default`);
          if ((response as oas31.ResponseObject).content) {
            documentSchema(
              "paths",
              path,
              method,
              "responses",
              status,
              "content",
              "application/json",
              "schema",
            );
          }
        }
      }
    }
  });

  it("lists every route the server serves under /api/v1, and the health probes, and nothing else", async () => {
    const app = await server.gameServer.transport.getExpressApp?.();
    assert.ok(app, "the server's Express app");
    const served = servedRoutes((app as unknown as { router: { stack: RouterLayer[] } }).router.stack).filter(
      (route) => / \/api\/v1\//.test(route) || / \/(healthz|readyz)$/.test(route),
    );
    assert.ok(served.length > 20, `found the routes: ${served.join(", ")}`);
    assert.deepEqual([...new Set(served)].sort(), documentedOperations(document).sort());
  });

  it("is served at GET /api/v1/openapi.json as the code builds it", async () => {
    const answer = await call(server.url, "/api/v1/openapi.json");
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(answer.body, JSON.parse(JSON.stringify(document)));
  });

  it("fails a test that receives an answer it does not describe", async () => {
    const guest = await signInGuest(server.url, "Checked");
    const received = { method: "GET", url: new URL("/api/v1/auth/me", server.url), headers: new Headers() };
    const me = { ok: true, data: { user: guest.user } };
    assertDescribed({ ...received, status: 200, body: me });
    assert.throws(
      () =>
        assertDescribed({
          ...received,
          status: 200,
          body: { ok: true, data: { user: { ...guest.user, email: "x" } } },
        }),
      /GET \/api\/v1\/auth\/me .*does not describe:\n {2}\/data\/user must NOT have additional properties/,
    );
    assert.throws(
      () =>
        assertDescribed({
          ...received,
          status: 404,
          body: { ok: false, error: { code: "NOT_FOUND", message: "x" } },
        }),
      /answered 404 .*; the document lists only 200, 304, 401, 429, 500, 503$/,
    );
    assert.throws(
      () =>
        assertDescribed({
          ...received,
          status: 401,
          body: { ok: false, error: { code: "GAME_NOT_FOUND", message: "x" } },
        }),
      /\/error\/code must be equal to one of the allowed values/,
    );
    const unknown = {
      method: "GET",
      url: new URL("/api/v1/nothing-here", server.url),
      headers: new Headers(),
    };
    assertDescribed({
      ...unknown,
      status: 404,
      body: { ok: false, error: { code: "NOT_FOUND", message: "no such route" } },
    });
    assert.throws(
      () => assertDescribed({ ...unknown, status: 200, body: { ok: true, data: {} } }),
      /no such route/,
    );
  });

  describe("the reference page, in Chromium", function () {
    this.timeout(60_000);
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
    });

    it("lists every operation of the document, fetching nothing from elsewhere", async () => {
      const { context, page, errors } = await playerPage(browser, DESKTOP);
      try {
        const consoleErrors: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error") consoleErrors.push(message.text());
        });
        const elsewhere: string[] = [];
        page.on("request", (request) => {
          if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) {
            elsewhere.push(request.url());
          }
        });
        await page.goto(`${server.url}/api/docs`);
        await page.locator(".opblock").first().waitFor({ timeout: 20_000 });
        assert.match((await page.locator(".info .title").first().textContent()) ?? "", /^Typephoon HTTP API/);
        const listed = await page.$$eval(".opblock", (blocks) =>
          blocks.map(
            (block) =>
              `${block.querySelector(".opblock-summary-method")?.textContent} ${block.querySelector(".opblock-summary-path")?.getAttribute("data-path")}`,
          ),
        );
        assert.deepEqual(listed.sort(), documentedOperations(document).sort());

        // One operation opened: its parameters and responses, as a reader sees them.
        await page.locator("#operations-Leaderboards-leaderboard .opblock-summary").click();
        await page.locator("#operations-Leaderboards-leaderboard .responses-table").first().waitFor();
        await screenshot(page, "api-docs");
        assert.deepEqual(errors, [], "errors in the page");
        assert.deepEqual(consoleErrors, [], "errors in the console (a refused script or style, say)");
        assert.deepEqual(elsewhere, [], "requests to other servers");
      } finally {
        await context.close();
      }
    });
  });
});
