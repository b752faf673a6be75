/**
 * Who is playing: the signed-in user and their access token, kept in localStorage so a reload (or
 * another tab) stays the same player. The rooms need the token itself (`client.auth.token`); the
 * HttpOnly cookie the server also sets is for plain HTTP calls only.
 *
 * Guests' tokens last a day and cannot be refreshed. Registered accounts (signed in with a provider)
 * hold a short access token and an HttpOnly refresh cookie: the page refreshes before joining a
 * room when the token is close to expiring, and on coming back from a provider's sign-in page (the
 * page marks that it left for one, so an ordinary visit does not ask for a refresh it cannot get).
 */
import type { ProvidersResponse, SignInResponse } from "../../src/api/contracts/auth.ts";
import type { PublicUser } from "../../src/api/contracts/common.ts";
import { api, dataOf } from "./api.ts";

export type Session = SignInResponse;

const STORAGE_KEY = "typephoon.session";
const SIGN_IN_MARK = "typephoon.signing-in";
/** Refresh a registered account's token when it has less than this left. */
const REFRESH_MARGIN_MS = 60_000;

type Listener = (user: PublicUser | undefined) => void;

export class Sessions {
  #current: Session | undefined;
  #listeners = new Set<Listener>();

  get user(): PublicUser | undefined {
    return this.#current?.user;
  }

  get token(): string | undefined {
    return this.#current?.accessToken;
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * At page load: a fresh session when the page comes back from a provider's sign-in page, else the
   * stored one if the server still accepts it (a registered account's is refreshed when it has
   * expired), else nobody.
   */
  async resume(): Promise<PublicUser | undefined> {
    const stored = readStored();
    if (takeSignInMark() && (await this.#refresh())) return this.user;
    if (!stored) return this.#set(undefined);
    const me = await api<{ user: PublicUser }>("/api/v1/auth/me", { token: stored.accessToken });
    if (me.ok) return this.#set({ ...stored, user: me.data.user });
    // Anything but a refused token is the server's trouble, not the session's: keep it.
    if (me.status !== 401) return this.#set(stored);
    if (!stored.user.guest && (await this.#refresh())) return this.user;
    return this.#set(undefined);
  }

  async playAsGuest(name?: string): Promise<PublicUser> {
    const body = name?.trim() ? { name: name.trim() } : {};
    const session = dataOf(await api<Session>("/api/v1/auth/guest", { method: "POST", json: body }));
    this.#set(session);
    return session.user;
  }

  /** A token the rooms will accept for a while yet; undefined when nobody is signed in. */
  async freshToken(): Promise<string | undefined> {
    const session = this.#current;
    if (!session) return undefined;
    const expiring = Date.parse(session.expiresAt) - Date.now() < REFRESH_MARGIN_MS;
    if (expiring && !session.user.guest) await this.#refresh();
    return this.token;
  }

  /** The server refused the token (expired, or signed out elsewhere): refresh it or sign out. */
  async tokenRefused(): Promise<string | undefined> {
    if (this.#current && !this.#current.user.guest) {
      await this.#refresh();
      return this.token;
    }
    this.#set(undefined);
    return undefined;
  }

  async signOut(): Promise<void> {
    const token = this.token;
    this.#set(undefined);
    // Ends a registered account's refresh token and clears the cookies; a guest just forgets theirs.
    await api("/api/v1/auth/logout", { method: "POST", token }).catch(() => undefined);
  }

  /** A new access token for a registered account (its refresh cookie); undefined when refused. */
  async #refresh(): Promise<PublicUser | undefined> {
    const refreshed = await api<Session>("/api/v1/auth/refresh", { method: "POST" });
    return this.#set(refreshed.ok ? refreshed.data : undefined);
  }

  #set(session: Session | undefined): PublicUser | undefined {
    const before = this.#current;
    this.#current = session;
    try {
      if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage can be off (private mode): the session then lasts as long as the page.
    }
    if (before?.user.id !== session?.user.id || before?.user.name !== session?.user.name) {
      for (const listener of this.#listeners) listener(session?.user);
    }
    return session?.user;
  }
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

/** Called as the page leaves for a provider's sign-in page: the page that comes back refreshes. */
export function markSignIn(): void {
  try {
    localStorage.setItem(SIGN_IN_MARK, "1");
  } catch {
    // Without storage the account is still signed in; this page just will not know until it is.
  }
}

function takeSignInMark(): boolean {
  try {
    const marked = localStorage.getItem(SIGN_IN_MARK) !== null;
    localStorage.removeItem(SIGN_IN_MARK);
    return marked;
  } catch {
    return true;
  }
}

/** The sign-in providers the server offers; none when accounts are not set up (or not built yet). */
export async function signInProviders(): Promise<ProvidersResponse> {
  const answer = await api<ProvidersResponse>("/api/v1/auth/providers").catch(() => undefined);
  return answer?.ok && Array.isArray(answer.data) ? answer.data : [];
}
