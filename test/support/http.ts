import http from "node:http";
import type { ApiEnvelope } from "../../src/protocol.ts";
import { assertDescribed } from "./openapi.ts";

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: ApiEnvelope<T>;
}

/**
 * fetch + JSON, for reading the API's envelope in assertions. Every answer is checked against the
 * API's OpenAPI document first (./openapi.ts): one it does not describe fails the test.
 */
export async function call<T = unknown>(
  base: string,
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<HttpAnswer<T>> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  const response = await fetch(new URL(path, base), {
    ...init,
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  assertDescribed({
    // A followed redirect ends in a GET (302) of where it pointed.
    method: response.redirected ? "GET" : (init.method ?? "GET"),
    url: new URL(response.url),
    status: response.status,
    headers: response.headers,
    body,
  });
  return { status: response.status, headers: response.headers, body };
}

/** Narrows an envelope to its data, failing the test with the error when it is not ok. */
export function dataOf<T>(answer: HttpAnswer<T>): T {
  if (!answer.body.ok) throw new Error(`expected ok, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.data;
}

export function errorOf(answer: HttpAnswer) {
  if (answer.body.ok)
    throw new Error(`expected an error, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.error;
}

export async function signInGuest(base: string, name?: string) {
  const answer = await call<{ user: { id: string; name: string; guest: boolean }; accessToken: string }>(
    base,
    "/api/v1/auth/guest",
    { method: "POST", json: name === undefined ? {} : { name } },
  );
  return dataOf(answer);
}

/** A GET as sent, the answer's body as it came (not decoded: fetch would gunzip it). */
export function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on("error", reject);
    },
  );
}
