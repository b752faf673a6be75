/**
 * The HTTP API from the page: same origin, the `{ ok, data | error }` envelope, the access token as
 * a Bearer header (the HttpOnly cookies go along too, unless the request is `anonymous`). A request
 * that never reaches the server rejects with `Unreachable`; every answer of the server resolves,
 * good or bad. Calls about the player go through `Sessions.request` (session.ts), which keeps the
 * token fresh.
 */
import type { ApiEnvelope, ApiErrorBody } from "../../src/protocol.ts";

export class Unreachable extends Error {
  override name = "Unreachable";
}

export type ApiAnswer<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; error: ApiErrorBody | undefined };

export interface ApiRequest {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  json?: unknown;
  token?: string;
  /** without cookies: a read as nobody, whatever session cookie the browser holds */
  anonymous?: boolean;
}

export async function api<T>(path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
  const headers = new Headers({ accept: "application/json" });
  if (request.json !== undefined) headers.set("content-type", "application/json");
  if (request.token) headers.set("authorization", `Bearer ${request.token}`);
  let response: Response;
  try {
    response = await fetch(path, {
      method: request.method ?? "GET",
      headers,
      credentials: request.anonymous ? "omit" : "same-origin",
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
    });
  } catch (error) {
    throw new Unreachable((error as Error).message);
  }
  // A proxy in front of a stopped server answers 502/503/504 without the envelope.
  const envelope = (await response.json().catch(() => undefined)) as ApiEnvelope<T> | undefined;
  if (envelope === undefined && response.status >= 502) throw new Unreachable(`HTTP ${response.status}`);
  if (envelope?.ok) return { ok: true, status: response.status, data: envelope.data };
  return { ok: false, status: response.status, error: envelope?.ok === false ? envelope.error : undefined };
}

/**
 * A read answered with this status failed for the server's sake (a database away, a restart, too
 * many requests): asking again later will do.
 */
export const failedForNow = (status: number): boolean => status >= 500 || status === 429;

/** How long before reading again after the `failures`-th such failure in a row: 2 s, doubling to 30 s. */
export const readAgainAfterMs = (failures: number): number => Math.min(30_000, 2_000 * 2 ** (failures - 1));

/** The data of an answer that must be good; otherwise an error carrying the server's words. */
export function dataOf<T>(answer: ApiAnswer<T>): T {
  if (answer.ok) return answer.data;
  throw new ApiFailure(answer.status, answer.error);
}

class ApiFailure extends Error {
  override name = "ApiFailure";
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, error: ApiErrorBody | undefined) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
  }
}

/** Is the server there at all? (`/healthz` answers while the process runs.) */
export async function serverIsUp(): Promise<boolean> {
  try {
    return (await fetch("/healthz", { cache: "no-store" })).ok;
  } catch {
    return false;
  }
}
