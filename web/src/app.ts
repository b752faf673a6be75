/**
 * What every screen can use: the session, the rooms, navigation, and the page's shared parts — the
 * connection banner, the notice line, the screen-reader announcer and the "server unreachable"
 * screen. The parts live in index.html; this module only drives them.
 */
import type { ProvidersResponse } from "../../src/api/contracts/auth.ts";
import { h } from "./dom.ts";
import type { Party } from "./party.ts";
import type { Rooms } from "./rooms.ts";
import { hashOf, type Route } from "./routes.ts";
import type { Sessions } from "./session.ts";

export interface Screen {
  element: HTMLElement;
  /** the document title's first part */
  title: string;
  /**
   * Called when the screen goes: the player went elsewhere (`navigate`), or the server cannot be
   * reached (`unreachable`: keep what a retry needs).
   */
  dispose?(reason: "navigate" | "unreachable"): void;
  /** where keyboard focus goes when the screen appears (default: its heading) */
  focus?: HTMLElement;
  /**
   * The player is about to go elsewhere by the browser (Back, a link): true when the screen holds
   * on to ask them first (and navigates itself if they do leave).
   */
  askToLeave?(): boolean;
}

export interface App {
  sessions: Sessions;
  rooms: Rooms;
  /** the private room the player is in, across its screen and its races */
  party: Party;
  /** the sign-in providers the server offers (none: accounts are not set up), read at load */
  providers: ProvidersResponse;
  /** `notice`: a line to show on arrival, an error unless its `tone` is `info` (good news). */
  navigate(route: Route, options?: { notice?: string; tone?: "info"; replace?: boolean }): void;
  /** Shows the current route's screen again (after a retry, a sign-in). */
  reload(): void;
  /** A line of text at the top of the screen: errors from the server in plain words, or news (`info`). */
  notice(text: string | undefined, tone?: "info"): void;
  /** The connection banner: shown while a room reconnects, hidden with undefined. */
  banner(text: string | undefined): void;
  /** Read out by screen readers (the countdown, finishing places). */
  announce(text: string): void;
  /** The full-screen "cannot reach the server" message; its Retry shows the screen again. */
  unreachable(): void;
}

export function pageParts() {
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  return {
    main: byId<HTMLElement>("screen"),
    nav: byId<HTMLElement>("nav"),
    banner: byId<HTMLElement>("connection-banner"),
    notice: byId<HTMLElement>("notice"),
    announcer: byId<HTMLElement>("announcer"),
    unreachable: byId<HTMLElement>("unreachable"),
  };
}

export const link = (route: Route, text: string, attributes: Record<string, string> = {}) =>
  h("a", { href: hashOf(route), ...attributes }, text);

/** A heading that takes focus when its screen appears, so screen readers start there. */
export const heading = (text: string, className?: string) =>
  h("h1", { tabindex: -1, class: className }, text);
