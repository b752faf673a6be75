/**
 * The web client's entry: restores the session, then shows the screen the URL's hash names, and
 * the next one whenever it changes. A server that cannot be reached gets a full-screen message with
 * a Retry; the header shows who plays, with a sign-in or a sign-out. When another tab changes who
 * plays (signs in, out, or upgrades a guest), this one follows at once.
 */
import { CloseCode } from "@colyseus/sdk";
import type { ProvidersResponse } from "../../src/api/contracts/auth.ts";
import { RACES_MOVED_PARAM, SIGN_IN_ERROR_PARAM, SIGNED_IN_PARAM } from "../../src/protocol.ts";
import { serverIsUp, Unreachable } from "./api.ts";
import { type App, pageParts, type Screen } from "./app.ts";
import { fill, h } from "./dom.ts";
import { Party } from "./party.ts";
import { JoinFailure, Rooms } from "./rooms.ts";
import { DEFAULT_LEADERBOARD_WORDS, hashOf, parseRoute, type Route } from "./routes.ts";
import { accountScreen } from "./screens/account.ts";
import { homeScreen } from "./screens/home.ts";
import { joinScreen } from "./screens/join.ts";
import { leaderboardScreen, ratingBoardScreen } from "./screens/leaderboard.ts";
import { lobbyScreen } from "./screens/lobby.ts";
import { profileScreen } from "./screens/profile.ts";
import { raceScreen } from "./screens/race.ts";
import { replayScreen } from "./screens/replay.ts";
import { resultsScreen } from "./screens/results.ts";
import { roomScreen } from "./screens/room.ts";
import { confirmGuestSignOut, signInScreen } from "./screens/signIn.ts";
import { watchScreen } from "./screens/watch.ts";
import { type SessionChange, Sessions, signInProviders } from "./session.ts";
import { closeText, roomErrorText, sessionChangeText, signedInText, signInErrorText } from "./words.ts";

declare const DEV_RELOAD: boolean;

const parts = pageParts();
const sessions = new Sessions();
const rooms = new Rooms(sessions);
const party = new Party(rooms, {
  raceStarted: (gameId) => app.navigate({ screen: "race", gameId }),
  refused: (error) => app.notice(roomErrorText(error.code, error.message)),
  failed(error) {
    if (error instanceof JoinFailure && error.kind === "unreachable") app.unreachable();
    else app.notice((error as Error).message);
  },
  dropped: () => app.banner("Connection to your room lost. Reconnecting…"),
  reconnected: () => app.banner(undefined),
  closed(code, reason) {
    app.banner(undefined);
    // Only the room's own screen is left for home: a race of it goes on without the room.
    if (parseRoute(location.hash).screen !== "room") return;
    const why =
      code === CloseCode.SERVER_SHUTDOWN
        ? "The server restarted, which closed your room: make a new one."
        : (closeText(code, reason) ?? "The room has closed.");
    app.navigate({ screen: "home" }, { notice: why });
  },
});
let current: Screen | undefined;
let pendingNotice: { text: string; tone?: "info" } | undefined;
/** the session is resumed and a screen shown: changes of the player from now on are followed */
let booted = false;
/** the next hash change is the page's own navigation, not the browser's */
let navigating = false;

const app: App = {
  sessions,
  rooms,
  party,
  providers: [] as ProvidersResponse,
  navigate(route, options = {}) {
    pendingNotice = options.notice === undefined ? undefined : { text: options.notice, tone: options.tone };
    const hash = hashOf(route);
    if (location.hash === hash) return show();
    if (options.replace) {
      history.replaceState(null, "", hash);
      show();
    } else {
      navigating = true;
      location.hash = hash;
    }
  },
  reload: () => show(),
  notice(text, tone) {
    parts.notice.textContent = text ?? "";
    parts.notice.hidden = !text;
    if (tone) parts.notice.dataset.tone = tone;
    else delete parts.notice.dataset.tone;
  },
  banner(text) {
    parts.banner.textContent = text ?? "";
    parts.banner.hidden = !text;
  },
  announce(text) {
    // A fresh text node each time, so that the same words twice are read twice.
    parts.announcer.textContent = "";
    window.setTimeout(() => {
      parts.announcer.textContent = text;
    }, 50);
  },
  unreachable() {
    current?.dispose?.("unreachable");
    current = undefined;
    parts.main.replaceChildren();
    app.banner(undefined);
    parts.unreachable.hidden = false;
    parts.unreachable.querySelector("button")?.focus();
  },
};

/** Screens that need somebody signed in send everybody else home first. */
const NEEDS_PLAYER = new Set<Route["screen"]>(["lobby", "race", "room", "profile", "account"]);
/** Screens a private room's player moves between: anywhere else, they have left the room. */
const WITH_THE_PARTY = new Set<Route["screen"]>(["room", "join", "race", "results", "spectate"]);
/** Screens of one player's room: someone else cannot take them over. */
const IN_A_ROOM = new Set<Route["screen"]>(["lobby", "race", "room", "spectate"]);

function show(): void {
  const route = parseRoute(location.hash);
  current?.dispose?.("navigate");
  current = undefined;
  app.notice(pendingNotice?.text, pendingNotice?.tone);
  pendingNotice = undefined;
  if (!WITH_THE_PARTY.has(route.screen)) party.leave();
  if (NEEDS_PLAYER.has(route.screen) && !sessions.user) {
    if (IN_A_ROOM.has(route.screen)) app.notice("Choose a name (or sign in) to play.");
    history.replaceState(null, "", "#/");
    mount(homeScreen(app));
    return;
  }
  // The account page is a registered account's: a guest is offered to sign in instead.
  if (route.screen === "account" && sessions.user?.guest) {
    history.replaceState(null, "", "#/sign-in");
    mount(signInScreen(app));
    return;
  }
  mount(screenOf(route));
}

/**
 * Another tab signed in, out or upgraded a guest, or the server ended the session: this tab
 * follows. A room is left (it was the other player's); any other screen is shown again for whoever
 * plays now. A public screen whose session ended says nothing: it never asks to sign in.
 */
function follow(change: SessionChange): void {
  if (!booted || change.cause === "here" || change.before?.id === change.user?.id) return;
  const route = parseRoute(location.hash);
  const quietly = change.cause === "ended" && !NEEDS_PLAYER.has(route.screen);
  const notice = quietly ? undefined : sessionChangeText(change.before, change.user, change.cause);
  const tone = change.cause === "elsewhere" ? "info" : undefined;
  // The private room was the other player's too.
  party.leave();
  if (IN_A_ROOM.has(route.screen)) app.navigate({ screen: "home" }, { notice, tone });
  else {
    pendingNotice = notice === undefined ? undefined : { text: notice, tone };
    show();
  }
}

function screenOf(route: Route): Screen {
  switch (route.screen) {
    case "home":
      return homeScreen(app);
    case "lobby":
      return lobbyScreen(app);
    case "race":
      return raceScreen(app, route.gameId);
    case "results":
      return resultsScreen(app, route.gameId);
    case "room":
      return roomScreen(app, route.code);
    case "join":
      return joinScreen(app, route.code);
    case "watch":
      return watchScreen(app);
    case "spectate":
      return raceScreen(app, route.gameId, { spectate: true });
    case "replay":
      return replayScreen(app, route.gameId);
    case "profile":
      return profileScreen(app);
    case "user":
      return profileScreen(app, route.userId);
    case "leaderboard":
      return leaderboardScreen(app, route.period, route.words);
    case "ratings":
      return ratingBoardScreen(app);
    case "sign-in":
      return signInScreen(app);
    case "account":
      return accountScreen(app);
  }
}

function mount(screen: Screen): void {
  current = screen;
  parts.main.replaceChildren(screen.element);
  document.title = screen.title === "Typephoon" ? "Typephoon" : `${screen.title} · Typephoon`;
  document.body.dataset.screen = parseRoute(location.hash).screen;
  renderNav();
  (screen.focus ?? screen.element.querySelector<HTMLElement>("h1"))?.focus({ preventScroll: true });
}

function renderNav(): void {
  const route = parseRoute(location.hash);
  const user = sessions.user;
  const item = (target: Route, text: string, active: boolean, id?: string) =>
    h("a", { href: hashOf(target), id, "aria-current": active ? "page" : undefined }, text);
  const signOut = h("button", { type: "button", class: "quiet", id: "sign-out" }, "Sign out");
  signOut.addEventListener("click", async () => {
    const player = sessions.user;
    if (player?.guest && !(await confirmGuestSignOut(app, player.name))) return;
    await sessions.signOut();
    app.navigate({ screen: "home" });
  });
  // Nothing to wander off to mid-race.
  if (route.screen === "race") {
    fill(parts.nav);
    return;
  }
  const canSignIn = app.providers.length > 0 && !(user && !user.guest);
  fill(
    parts.nav,
    item({ screen: "home" }, "Play", ["home", "lobby", "room", "join"].includes(route.screen)),
    item({ screen: "watch" }, "Watch", ["watch", "spectate"].includes(route.screen), "watch-link"),
    item(
      { screen: "leaderboard", period: "daily", words: DEFAULT_LEADERBOARD_WORDS },
      "Leaderboard",
      route.screen === "leaderboard" || route.screen === "ratings",
    ),
    user ? item({ screen: "profile" }, "Profile", route.screen === "profile") : null,
    user?.guest ? h("span", { class: "user", id: "user-name" }, `${user.name} (guest)`) : null,
    user && !user.guest
      ? h(
          "a",
          {
            class: "user",
            id: "user-name",
            href: hashOf({ screen: "account" }),
            title: "Your account",
            "aria-current": route.screen === "account" ? "page" : undefined,
          },
          user.name,
        )
      : null,
    canSignIn ? item({ screen: "sign-in" }, "Sign in", route.screen === "sign-in", "sign-in") : null,
    user ? signOut : null,
  );
}

async function boot(): Promise<void> {
  parts.unreachable.hidden = true;
  // Back from a provider: signed in (take the session up, say so), or why not (say so, once).
  const url = new URL(location.href);
  const signedIn = url.searchParams.has(SIGNED_IN_PARAM);
  const racesMoved = Number(url.searchParams.get(RACES_MOVED_PARAM)) || 0;
  const signInError = url.searchParams.get(SIGN_IN_ERROR_PARAM);
  for (const param of [SIGNED_IN_PARAM, RACES_MOVED_PARAM, SIGN_IN_ERROR_PARAM])
    url.searchParams.delete(param);
  if (url.href !== location.href) history.replaceState(null, "", url);
  try {
    [app.providers] = await Promise.all([signInProviders(), sessions.resume(signedIn)]);
  } catch (error) {
    if (error instanceof Unreachable) return app.unreachable();
    throw error;
  }
  const user = sessions.user;
  if (signInError) pendingNotice = { text: signInErrorText(signInError) };
  else if (signedIn && user && !user.guest)
    pendingNotice = { text: signedInText(user.name, racesMoved), tone: "info" };
  booted = true;
  show();
}

parts.unreachable.querySelector("button")!.addEventListener("click", async (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  button.disabled = true;
  const up = await serverIsUp();
  button.disabled = false;
  if (up) boot();
  else parts.unreachable.querySelector(".still")!.textContent = "Still no answer. Try again in a moment.";
});

window.addEventListener("hashchange", (event) => {
  const ours = navigating;
  navigating = false;
  // Back (or a link) mid-race: the race stays on screen, and in the address bar, while it asks.
  if (!ours && current?.askToLeave?.()) history.pushState(null, "", new URL(event.oldURL).hash);
  else show();
});
sessions.onChange((change) => {
  renderNav();
  follow(change);
});
boot();

if (DEV_RELOAD) {
  // `npm run dev`: reload the page when the client is rebuilt.
  let build: string | undefined;
  window.setInterval(async () => {
    const id = await fetch("/build-id.txt", { cache: "no-store" })
      .then((response) => (response.ok ? response.text() : undefined))
      .catch(() => undefined);
    if (id && build && id !== build) location.reload();
    build = id ?? build;
  }, 1_000);
}
