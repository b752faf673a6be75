/**
 * The API's OpenAPI document (src/api/openapi.ts), built once per test run from the code, and the
 * check that an answer is one it describes. `call()` (./http.ts) runs every answer it receives
 * through it, so the document cannot drift from what the API does: an answer of a status the
 * document does not list for its route, or of another shape, fails the test that received it.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import type { oas31 } from "zod-openapi";
import { createApiDocument } from "../../src/api/openapi.ts";

/** An answer as the test received it. */
export interface ReceivedAnswer {
  method: string;
  url: URL;
  status: number;
  headers: Headers;
  /** the parsed JSON body; undefined when there was none */
  body: unknown;
}

interface Described {
  document: oas31.OpenAPIObject;
  ajv: Ajv2020;
  /** the document's path templates, each with a pattern matching its paths, literal ones first */
  templates: Array<{ template: string; pattern: RegExp }>;
}

let described: Described | undefined;

/** The document, built at the first use and kept for the run. */
export function apiDocument(): oas31.OpenAPIObject {
  return describedApi().document;
}

function describedApi(): Described {
  if (described) return described;
  const document = createApiDocument();
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // A CommonJS module: its function is also its `default`, which is how TypeScript sees it here.
  ajvFormats.default(ajv);
  // The document is no JSON Schema, but holds them: its own fields are annotations to Ajv, and the
  // response schemas are compiled from inside it, where their $refs to #/components resolve.
  ajv.addVocabulary(["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks"]);
  ajv.addVocabulary(["components", "security", "tags", "externalDocs"]);
  ajv.addSchema(document, DOCUMENT_ID);
  const templates = Object.keys(document.paths ?? {})
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+").replaceAll(".", "\\.")}/?$`),
      parameters: template.split("{").length - 1,
    }))
    .sort((a, b) => a.parameters - b.parameters);
  described = { document, ajv, templates };
  return described;
}

const DOCUMENT_ID = "openapi.json";

/** A validator for the schema at a place in the document (given as its path of keys). */
export function documentSchema(...keys: string[]): ValidateFunction {
  const pointer = keys.map((key) => encodeURIComponent(key.replaceAll("~", "~0").replaceAll("/", "~1")));
  const validate = describedApi().ajv.getSchema(`${DOCUMENT_ID}#/${pointer.join("/")}`);
  if (!validate) throw new Error(`the API document has no schema at ${keys.join(" → ")}`);
  return validate;
}

/** The document's path template for a request path, if it describes one. */
function templateOf(pathname: string): string | undefined {
  return describedApi().templates.find(({ pattern }) => pattern.test(pathname))?.template;
}

/**
 * Fails, saying why, when the document does not describe an answer of the API (/api/v1, and the
 * other paths it lists). A request to a route it does not list must be answered with a failure
 * in the envelope. HEAD and OPTIONS answers carry no body to check.
 */
export function assertDescribed(answer: ReceivedAnswer): void {
  const { document } = describedApi();
  const method = answer.method.toLowerCase();
  const { pathname } = answer.url;
  const template = templateOf(pathname);
  if (method === "head" || method === "options") return;
  if (template === undefined && !pathname.startsWith("/api/v1/")) return;
  const request = `${answer.method.toUpperCase()} ${pathname}`;
  const said = `${answer.status} ${answer.body === undefined ? "(no body)" : JSON.stringify(answer.body)}`;
  const operation = template === undefined ? undefined : document.paths?.[template]?.[method as "get"];
  if (!operation) {
    if (answer.status < 400) {
      throw new Error(
        `${request}: the API document has no such route, yet it answered ${said.slice(0, 600)}`,
      );
    }
    check(request, said, answer.body, documentSchema("components", "schemas", "ApiErrorEnvelope"));
    return;
  }
  const where = `${request} (${method.toUpperCase()} ${template} in the API document)`;
  const response = operation.responses?.[String(answer.status)] as oas31.ResponseObject | undefined;
  if (!response) {
    const listed = Object.keys(operation.responses ?? {}).join(", ");
    throw new Error(`${where} answered ${said.slice(0, 600)}; the document lists only ${listed}`);
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if ((header as oas31.HeaderObject).required && !answer.headers.has(name)) {
      throw new Error(`${where} answered ${answer.status} without its ${name} header`);
    }
  }
  if (!response.content) {
    if (answer.body !== undefined)
      throw new Error(`${where} answered ${said.slice(0, 600)}, documented without a body`);
    return;
  }
  const status = String(answer.status);
  const media = "application/json";
  check(
    where,
    said,
    answer.body,
    documentSchema("paths", template!, method, "responses", status, "content", media, "schema"),
  );
}

function check(where: string, said: string, body: unknown, validate: ValidateFunction): void {
  if (validate(body)) return;
  const problems = (validate.errors ?? []).map(
    (error) => `  ${error.instancePath || "(the body)"} ${error.message} ${JSON.stringify(error.params)}`,
  );
  throw new Error(
    `${where} answered a body the API document does not describe:\n${problems.join("\n")}\n${said.slice(0, 1500)}`,
  );
}
