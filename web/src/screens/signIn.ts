/**
 * Getting in and out: "Sign in with …" links for each provider the server offers, the sign-in
 * screen the header's "Sign in" opens (`#/sign-in`), "Sign in to keep this race" on a guest's
 * results, and the warning a guest gets before signing out: a guest cannot sign back in, so their
 * races would be out of reach for good.
 *
 * A sign-in is a plain link (the server redirects to the provider and back): it works the same
 * opened in this tab or a new one, and the tab it ends in takes up the session (session.ts).
 */
import type { ProvidersResponse } from "../../../src/api/contracts/auth.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { ask, h } from "../dom.ts";

/** One "Sign in with …" link per provider. */
export function providerLinks(providers: ProvidersResponse): HTMLElement {
  return h(
    "div",
    { class: "providers" },
    ...providers.map((provider) =>
      h(
        "a",
        { class: "button", href: `/api/v1/auth/${encodeURIComponent(provider.id)}/login` },
        `Sign in with ${provider.name}`,
      ),
    ),
  );
}

/** `#/sign-in`: why to sign in, for whoever plays now, and the providers. */
export function signInScreen(app: App): Screen {
  const user = app.sessions.user;
  const why = user?.guest
    ? `Sign in and the races you played as ${user.name} move into your account: your history, your personal bests and your places on the leaderboards.`
    : "Sign in to keep your races, your personal bests and your place on the leaderboards, on any device.";
  const element = h(
    "section",
    { class: "sign-in" },
    heading("Sign in"),
    user && !user.guest
      ? h("p", { class: "lead" }, `You are signed in as ${user.name}. `, link({ screen: "home" }, "Play"))
      : app.providers.length === 0
        ? h(
            "p",
            { class: "lead" },
            "Signing in is not set up on this server: you can play as a guest from ",
            link({ screen: "home" }, "Home"),
            ".",
          )
        : h("div", {}, h("p", { class: "lead" }, why), providerLinks(app.providers)),
  );
  return { element, title: "Sign in" };
}

/** "Sign in to keep this race", for a guest, where the server offers a provider. */
export function keepRaceLink(app: App): HTMLElement | null {
  if (!app.sessions.user?.guest || app.providers.length === 0) return null;
  return link({ screen: "sign-in" }, "Sign in to keep this race", { class: "button", id: "keep-race" });
}

/**
 * Before a guest signs out: says what they lose, offers to sign in instead. Resolves true when the
 * guest signs out all the same.
 */
export function confirmGuestSignOut(app: App, name: string): Promise<boolean> {
  const anyway = h("button", { type: "button", class: "danger", id: "sign-out-anyway" }, "Sign out anyway");
  const cancel = h("button", { type: "button", id: "sign-out-cancel" }, "Cancel");
  const dialog = h(
    "dialog",
    { id: "sign-out-dialog", "aria-labelledby": "sign-out-title" },
    h("h2", { id: "sign-out-title" }, `Sign out of ${name}?`),
    h(
      "p",
      {},
      `You play as a guest. Once you sign out, the races you played as ${name} can no longer be reached: a guest cannot sign back in.`,
    ),
    app.providers.length
      ? h(
          "div",
          {},
          h("p", {}, "Sign in instead, and they move into your account."),
          providerLinks(app.providers),
        )
      : null,
    h("div", { class: "actions" }, anyway, cancel),
  );
  return ask(
    dialog,
    [
      [anyway, true],
      [cancel, false],
    ],
    false,
    cancel,
  );
}
