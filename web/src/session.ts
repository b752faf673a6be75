/**
 * Who is playing, for every tab of this browser at once: the signed-in user and their access
 * token, kept in localStorage, so a reload and every other tab are the same player. A tab follows
 * another's sign-in, sign-out, guest upgrade, rename or refresh as soon as the `storage` event tells
 * it. The rooms need the token itself (`client.auth.token`); the HttpOnly cookie the server also
 * sets is for plain HTTP calls only, and for picking up a session begun outside this page (a
 * sign-in opened in a new tab).
 *
 * Guests' tokens last a day and cannot be refreshed. Registered accounts hold a short access token
 * and an HttpOnly refresh cookie, which the server rotates at every refresh. Refreshes take turns
 * across the tabs under a Web Lock: a tab that waited takes the session the other one stored,
 * instead of presenting the cookie it has just rotated (the server forgives such a duplicate for a
 * few seconds, for browsers without Web Locks: docs/api.md).
 *
 * Every API call of the page about its player goes through `request`: it refreshes first when the
 * token is near its end, and once more after a 401; a public read whose token is refused is made
 * again anonymously, so a public page never asks to sign in.
 *
 * A tab never destroys a newer session: before it forgets a session the server refused, it checks
 * that storage still holds that one, and otherwise takes what is there.
 */
import type { ProvidersResponse, SignInResponse } from "../../src/api/contracts/auth.ts";
import type { PublicUser } from "../../src/api/contracts/common.ts";
import { type ApiAnswer, type ApiRequest, api, dataOf } from "./api.ts";

export type Session = SignInResponse;

/**
 * What changed: `here`, this tab did it; `elsewhere`, another tab did; `ended`, the server no
 * longer takes the session (signed out, expired, deleted, a guest whose races moved).
 */
export interface SessionChange {
  before: PublicUser | undefined;
  user: PublicUser | undefined;
  cause: "here" | "elsewhere" | "ended";
}

/** Whose API call: the player's own (`required`), anyone's that says more to a player (`optional`), or nobody's. */
type Caller = "required" | "optional" | "none";

const STORAGE_KEY = "typephoon.session";
const REFRESH_LOCK = "typephoon.refresh";
/** Refresh a registered account's token when a quarter of its life is left, at most a minute. */
const REFRESH_MARGIN_MS = 60_000;
const REFRESH_MARGIN_SHARE = 0.25;

type Refresh = "refreshed" | "refused" | "failed";

export class Sessions {
  #current: Session | undefined;
  #listeners = new Set<(change: SessionChange) => void>();
  #refreshing: Promise<Refresh> | undefined;

  constructor() {
    window.addEventListener("storage", (event) => {
      if (event.key === STORAGE_KEY || event.key === null) this.#take(readStored(), "elsewhere");
    });
  }

  get user(): PublicUser | undefined {
    return this.#current?.user;
  }

  get token(): string | undefined {
    return this.#current?.accessToken;
  }

  onChange(listener: (change: SessionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * At page load. `signedIn`: the page comes back from a provider's sign-in (the callback said so),
   * and the cookies hold a session newer than any stored one. Otherwise the stored session if the
   * server still takes it (a registered account's refreshed when it has expired), else a session
   * the cookies hold, else nobody.
   */
  async resume(signedIn = false): Promise<PublicUser | undefined> {
    const stored = readStored();
    if (signedIn && (await this.#refresh(stored, true)) === "refreshed") return this.user;
    if (stored && (stored.user.guest || !expiring(stored))) {
      const me = await api<{ user: PublicUser }>("/api/v1/auth/me", { token: stored.accessToken });
      if (me.ok) return this.#store({ ...stored, user: me.data.user }, "here")?.user;
      // Anything but a refused token is the server's trouble, not the session's: keep it.
      if (me.status !== 401) return this.#take(stored, "here")?.user;
    }
    if (stored && !stored.user.guest && (await this.#refresh(stored)) === "refreshed") return this.user;
    // A session this page's storage does not know: a sign-in that began elsewhere (a new tab).
    const byCookie = await api<{ user: PublicUser }>("/api/v1/auth/me");
    if (byCookie.ok && !byCookie.data.user.guest && (await this.#refresh(stored, true)) === "refreshed") {
      return this.user;
    }
    return this.#forget(stored, "here")?.user;
  }

  async playAsGuest(name?: string): Promise<PublicUser> {
    const body = name?.trim() ? { name: name.trim() } : {};
    const session = dataOf(await api<Session>("/api/v1/auth/guest", { method: "POST", json: body }));
    this.#store(session, "here");
    return session.user;
  }

  /** A token the rooms will accept for a while yet; undefined when nobody is signed in. */
  async freshToken(): Promise<string | undefined> {
    const session = this.#current;
    if (session && !session.user.guest && expiring(session)) {
      if ((await this.#refresh(session)) === "refused") this.#forget(session, "ended");
    }
    return this.token;
  }

  /**
   * The server refused `refusedToken` (expired early for this computer's clock, signed out
   * elsewhere, a guest whose races moved): another tab's newer session, a refreshed one, or
   * nobody. Answers the token to try again with.
   */
  async tokenRefused(refusedToken: string | undefined): Promise<string | undefined> {
    const stored = readStored();
    if (stored && stored.accessToken !== refusedToken) return this.#take(stored, "elsewhere")?.accessToken;
    const refused = this.#current;
    // This tab moved on to another session meanwhile: try with that one.
    if (refused && refused.accessToken !== refusedToken) return refused.accessToken;
    if (refused && !refused.user.guest) {
      const outcome = await this.#refresh(refused);
      if (outcome === "refreshed") return this.token;
      // The server's trouble: keep the session, but there is nothing better to try with.
      if (outcome === "failed") return undefined;
    }
    return this.#forget(refused, "ended")?.accessToken;
  }

  /** An API call as this player: see the module comment. */
  async request<T>(
    path: string,
    request: Omit<ApiRequest, "token" | "anonymous"> & { caller: Caller },
  ): Promise<ApiAnswer<T>> {
    if (request.caller === "none") return api<T>(path, { ...request, anonymous: true });
    await this.freshToken();
    const session = this.#current;
    const answer = await api<T>(path, { ...request, token: session?.accessToken, anonymous: !session });
    if (answer.status !== 401 || !session) return answer;
    const retry = await this.tokenRefused(session.accessToken);
    if (retry) return api<T>(path, { ...request, token: retry });
    if (request.caller === "optional") return api<T>(path, { ...request, anonymous: true });
    return answer;
  }

  /** Renames the account; the new token (with the new name) is every tab's at once. */
  async rename(name: string): Promise<ApiAnswer<Session>> {
    const answer = await this.request<Session>("/api/v1/auth/account", {
      method: "PATCH",
      json: { name },
      caller: "required",
    });
    if (answer.ok) this.#store(answer.data, "here");
    return answer;
  }

  /** Deletes the account and its data; every tab is signed out. */
  async deleteAccount(): Promise<ApiAnswer<{ deleted: true }>> {
    const answer = await this.request<{ deleted: true }>("/api/v1/auth/account", {
      method: "DELETE",
      caller: "required",
    });
    if (answer.ok) this.#store(undefined, "here");
    return answer;
  }

  async signOut(): Promise<void> {
    const token = this.token;
    this.#store(undefined, "here");
    // Ends a registered account's refresh token and clears the cookies; a guest just forgets theirs.
    await api("/api/v1/auth/logout", { method: "POST", token }).catch(() => undefined);
  }

  /**
   * A new access token from the refresh cookie, one refresh at a time for the whole browser.
   * `stale` is the session found wanting: a tab that waited for the lock takes the session another
   * tab stored meanwhile instead of refreshing again — unless `cookieIsNewer` (back from a
   * provider: the cookie holds a session no tab has stored yet).
   */
  #refresh(stale: Session | undefined, cookieIsNewer = false): Promise<Refresh> {
    this.#refreshing ??= oneTabAtATime(async (): Promise<Refresh> => {
      const stored = readStored();
      const newer = stored && stored.accessToken !== stale?.accessToken;
      if (!cookieIsNewer && newer && !stored.user.guest && !expiring(stored)) {
        this.#take(stored, "elsewhere");
        return "refreshed";
      }
      const answer = await api<Session>("/api/v1/auth/refresh", { method: "POST" });
      if (answer.ok) {
        this.#store(answer.data, "here");
        return "refreshed";
      }
      return answer.status === 401 ? "refused" : "failed";
    }).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Forgets `stale` — unless another tab has stored a newer session meanwhile, which this tab takes. */
  #forget(stale: Session | undefined, cause: SessionChange["cause"]): Session | undefined {
    const stored = readStored();
    if (stored && stored.accessToken !== stale?.accessToken) return this.#take(stored, "elsewhere");
    return this.#store(undefined, cause);
  }

  /** Keeps the session for every tab (the others hear of it through the storage event). */
  #store(session: Session | undefined, cause: SessionChange["cause"]): Session | undefined {
    try {
      if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage can be off (private mode): the session then lasts as long as the page.
    }
    return this.#take(session, cause);
  }

  /** Makes the session this tab's, and tells the page when the player is someone else or renamed. */
  #take(session: Session | undefined, cause: SessionChange["cause"]): Session | undefined {
    const before = this.#current?.user;
    this.#current = session;
    const user = session?.user;
    if (before?.id !== user?.id || before?.name !== user?.name) {
      for (const listener of this.#listeners) listener({ before, user, cause });
    }
    return session;
  }
}

/** Runs `work` while no other tab of this browser runs it (a Web Lock; alone where there are none). */
function oneTabAtATime<T>(work: () => Promise<T>): Promise<T> {
  // Web Locks exist in secure contexts only (https, localhost): elsewhere the server's grace covers it.
  const locks = (navigator as { locks?: LockManager }).locks;
  return locks ? locks.request(REFRESH_LOCK, work) : work();
}

/** Whether a session's token is near its end: a quarter of its life left, at most a minute. */
function expiring(session: Session, now = Date.now()): boolean {
  const left = Date.parse(session.expiresAt) - now;
  return left < Math.min(REFRESH_MARGIN_MS, lifetimeOf(session.accessToken) * REFRESH_MARGIN_SHARE);
}

/** A token's lifetime in ms, from its own `iat` and `exp` (the server's clock on both ends). */
function lifetimeOf(token: string): number {
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as {
      iat?: number;
      exp?: number;
    };
    if (typeof claims.iat === "number" && typeof claims.exp === "number")
      return (claims.exp - claims.iat) * 1000;
  } catch {
    // Not a token this page can read: the full margin applies.
  }
  return Number.POSITIVE_INFINITY;
}

function readStored(): Session | undefined {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Session>) : undefined;
    if (parsed?.user?.id && typeof parsed.accessToken === "string" && typeof parsed.expiresAt === "string") {
      return parsed as Session;
    }
  } catch {
    // Unreadable: start over.
  }
  return undefined;
}

/** The sign-in providers the server offers; none when accounts are not set up (or not built yet). */
export async function signInProviders(): Promise<ProvidersResponse> {
  const answer = await api<ProvidersResponse>("/api/v1/auth/providers").catch(() => undefined);
  return answer?.ok && Array.isArray(answer.data) ? answer.data : [];
}
