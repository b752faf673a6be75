/**
 * Just enough of a browser for sign-in stories: a cookie jar (host-wide like a real one, ports
 * ignored; Path, Max-Age and Expires honoured) and redirects followed one by one over real HTTP,
 * so a test can stop at any hop — at the provider's redirect back, say — and tamper with it. Each
 * answer of the API is checked against its OpenAPI document, as `call()` checks them.
 */
import { assertDescribed } from "./openapi.ts";

interface StoredCookie {
  host: string;
  name: string;
  value: string;
  path: string;
  expiresAt: number;
}

export interface Hop {
  /** the URL the last response redirected to (not fetched) */
  location: URL;
  /** the URL that answered with it */
  from: URL;
  response: Response;
}

/** A JSON answer's body, read from a copy (the test reads the answer itself); else undefined. */
async function jsonBodyOf(response: Response): Promise<unknown> {
  if (!/^application\/json/.test(response.headers.get("content-type") ?? "")) return undefined;
  const text = await response.clone().text();
  return text ? JSON.parse(text) : undefined;
}

export class Browser {
  #cookies: StoredCookie[] = [];

  /** The value of a cookie this browser would send to `url`. */
  cookie(url: string | URL, name: string): string | undefined {
    return this.#matching(new URL(url)).find((cookie) => cookie.name === name)?.value;
  }

  /** Puts a cookie in the jar as if a server had set it (a thief replaying a stolen one, say). */
  setCookie(url: string | URL, name: string, value: string, path = "/"): void {
    const { hostname } = new URL(url);
    this.#cookies = this.#cookies.filter((c) => !(c.host === hostname && c.name === name && c.path === path));
    this.#cookies.push({ host: hostname, name, value, path, expiresAt: Number.POSITIVE_INFINITY });
  }

  /** One request with this browser's cookies; remembers the cookies the answer sets. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = this.#matching(target);
    if (cookies.length) headers.set("cookie", cookies.map((c) => `${c.name}=${c.value}`).join("; "));
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.#store(target, line);
    assertDescribed({
      method: init.method ?? "GET",
      url: target,
      status: response.status,
      headers: response.headers,
      body: await jsonBodyOf(response),
    });
    return response;
  }

  /**
   * Navigates to `url` and follows redirects until one points where `stopAt` says; answers that
   * hop without fetching its target. Fails on a page that does not redirect.
   */
  async follow(url: string | URL, stopAt: (next: URL) => boolean, maxHops = 20): Promise<Hop> {
    let current = new URL(url);
    for (let hop = 0; hop < maxHops; hop++) {
      const response = await this.fetch(current);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new Error(
          `${current} answered ${response.status} without a redirect: ${await response.text()}`,
        );
      }
      const next = new URL(location, current);
      if (stopAt(next)) return { location: next, from: current, response };
      await response.body?.cancel();
      current = next;
    }
    throw new Error(`more than ${maxHops} redirects from ${url}`);
  }

  #matching(url: URL): StoredCookie[] {
    const now = Date.now();
    this.#cookies = this.#cookies.filter((cookie) => cookie.expiresAt > now);
    return this.#cookies.filter(
      (cookie) =>
        cookie.host === url.hostname &&
        (url.pathname === cookie.path ||
          url.pathname.startsWith(cookie.path.endsWith("/") ? cookie.path : `${cookie.path}/`)),
    );
  }

  #store(url: URL, line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const equals = pair.indexOf("=");
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    let path = url.pathname.replace(/\/[^/]*$/, "") || "/";
    let expiresAt = Number.POSITIVE_INFINITY;
    for (const attribute of attributes) {
      const [key = "", raw = ""] = attribute.split(/=(.*)/s);
      switch (key.toLowerCase()) {
        case "path":
          path = raw;
          break;
        case "max-age":
          expiresAt = Date.now() + Number(raw) * 1000;
          break;
        case "expires":
          if (expiresAt === Number.POSITIVE_INFINITY) expiresAt = Date.parse(raw);
          break;
      }
    }
    this.#cookies = this.#cookies.filter(
      (c) => !(c.host === url.hostname && c.name === name && c.path === path),
    );
    if (expiresAt > Date.now()) this.#cookies.push({ host: url.hostname, name, value, path, expiresAt });
  }
}
