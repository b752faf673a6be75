/**
 * The web client's entry: restores the session, then shows the screen the URL's hash names, and
 * the next one whenever it changes. A server that cannot be reached gets a full-screen message with
 * a Retry; the header shows who plays, with a sign-out.
 */
import { SIGN_IN_ERROR_PARAM } from "../../src/protocol.ts";
import { serverIsUp, Unreachable } from "./api.ts";
import { type App, pageParts, type Screen } from "./app.ts";
import { fill, h } from "./dom.ts";
import { Rooms } from "./rooms.ts";
import { DEFAULT_LEADERBOARD_WORDS, hashOf, parseRoute, type Route } from "./routes.ts";
import { homeScreen } from "./screens/home.ts";
import { leaderboardScreen } from "./screens/leaderboard.ts";
import { lobbyScreen } from "./screens/lobby.ts";
import { profileScreen } from "./screens/profile.ts";
import { raceScreen } from "./screens/race.ts";
import { resultsScreen } from "./screens/results.ts";
import { Sessions } from "./session.ts";
import { signInErrorText } from "./words.ts";

declare const DEV_RELOAD: boolean;

const parts = pageParts();
const sessions = new Sessions();
const rooms = new Rooms(sessions);
let current: Screen | undefined;
let pendingNotice: string | undefined;
/** the next hash change is the page's own navigation, not the browser's */
let navigating = false;

const app: App = {
  sessions,
  rooms,
  navigate(route, options = {}) {
    pendingNotice = options.notice;
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
  notice(text) {
    parts.notice.textContent = text ?? "";
    parts.notice.hidden = !text;
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
const NEEDS_PLAYER = new Set<Route["screen"]>(["lobby", "race", "profile"]);

function show(): void {
  const route = parseRoute(location.hash);
  current?.dispose?.("navigate");
  current = undefined;
  app.notice(pendingNotice);
  pendingNotice = undefined;
  if (NEEDS_PLAYER.has(route.screen) && !sessions.user) {
    if (route.screen !== "profile") app.notice("Choose a name (or sign in) to play.");
    history.replaceState(null, "", "#/");
    mount(homeScreen(app));
    return;
  }
  mount(screenOf(route));
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
    case "profile":
      return profileScreen(app);
    case "user":
      return profileScreen(app, route.userId);
    case "leaderboard":
      return leaderboardScreen(app, route.period, route.words);
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
  const item = (target: Route, text: string, active: boolean) =>
    h("a", { href: hashOf(target), "aria-current": active ? "page" : undefined }, text);
  const signOut = h("button", { type: "button", class: "quiet", id: "sign-out" }, "Sign out");
  signOut.addEventListener("click", async () => {
    await sessions.signOut();
    app.navigate({ screen: "home" });
  });
  // Nothing to wander off to mid-race.
  const racing = route.screen === "race";
  fill(
    parts.nav,
    racing ? null : item({ screen: "home" }, "Play", ["home", "lobby"].includes(route.screen)),
    racing
      ? null
      : item(
          { screen: "leaderboard", period: "daily", words: DEFAULT_LEADERBOARD_WORDS },
          "Leaderboard",
          route.screen === "leaderboard",
        ),
    user && !racing ? item({ screen: "profile" }, "Profile", route.screen === "profile") : null,
    user && !racing ? h("span", { class: "user", id: "user-name" }, user.name) : null,
    user && !racing ? signOut : null,
  );
}

async function boot(): Promise<void> {
  parts.unreachable.hidden = true;
  try {
    await sessions.resume();
  } catch (error) {
    if (error instanceof Unreachable) return app.unreachable();
    throw error;
  }
  // Back from a provider's sign-in page that failed: say why, once.
  const url = new URL(location.href);
  const signInError = url.searchParams.get(SIGN_IN_ERROR_PARAM);
  if (signInError) {
    pendingNotice = signInErrorText(signInError);
    url.searchParams.delete(SIGN_IN_ERROR_PARAM);
    history.replaceState(null, "", url);
  }
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
sessions.onChange(() => renderNav());
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
