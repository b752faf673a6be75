/**
 * Home: play as a guest (a name is optional), sign in with a provider when the server offers any,
 * and "Find race"; "Rejoin your race" first when the player left a race still on (a closed tab).
 */
import type { GameResponse } from "../../../src/api/contracts/games.ts";
import { api, Unreachable } from "../api.ts";
import { type App, heading, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { raceStillOn, rememberRaceOn } from "../memory.ts";
import { hashOf } from "../routes.ts";
import { apiErrorText } from "../words.ts";
import { providerLinks } from "./signIn.ts";

const NAME_MAX = 24;

export function homeScreen(app: App): Screen {
  const user = app.sessions.user;
  const error = h("p", { class: "form-error", id: "name-error", role: "alert" });
  const nameInput = h("input", {
    id: "guest-name",
    name: "name",
    maxlength: NAME_MAX,
    autocomplete: "nickname",
    placeholder: "Swift Otter",
    "aria-describedby": "name-hint name-error",
  });
  const findRace = h("button", { type: "submit", class: "primary big", id: "find-race" }, "Find race");

  const form = h(
    "form",
    { class: "play", novalidate: true },
    user
      ? h("p", { class: "who" }, "You play as ", h("strong", {}, user.name), user.guest ? " (guest)" : "")
      : h(
          "div",
          { class: "field" },
          h("label", { for: "guest-name" }, "Your name"),
          nameInput,
          h(
            "span",
            { class: "hint", id: "name-hint" },
            "Optional: leave it empty for a name picked for you.",
          ),
        ),
    findRace,
    error,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    findRace.disabled = true;
    try {
      if (!app.sessions.user) await app.sessions.playAsGuest(nameInput.value);
      app.navigate({ screen: "lobby" });
    } catch (failure) {
      if (failure instanceof Unreachable) return app.unreachable();
      const { code, message } = failure as { code?: string; message: string };
      error.textContent = apiErrorText(code, message);
      findRace.disabled = false;
      nameInput.focus();
    }
  });

  const canSignIn = app.providers.length > 0 && !(user && !user.guest);
  const accounts = canSignIn
    ? h(
        "section",
        { class: "accounts", "aria-labelledby": "accounts-title" },
        h("h2", { id: "accounts-title" }, user?.guest ? "Keep your races" : "Or sign in"),
        user?.guest
          ? h("p", { class: "hint" }, "Sign in and the races you played as a guest move into your account.")
          : null,
        providerLinks(app.providers),
      )
    : null;

  const rejoin = h("p", { class: "rejoin", id: "rejoin", hidden: true });
  const raceOn = user ? raceStillOn() : undefined;
  if (raceOn) {
    api<GameResponse>(`/api/v1/games/${raceOn}`)
      .then((answer) => {
        const mine = answer.ok && answer.data.players.find((player) => player.id === user?.id);
        const on = answer.ok && (answer.data.status === "countdown" || answer.data.status === "racing");
        if (!on || !mine || mine.finished) return rememberRaceOn(undefined);
        fill(
          rejoin,
          "Your race is still on. ",
          h(
            "a",
            { class: "button primary", href: hashOf({ screen: "race", gameId: raceOn }) },
            "Rejoin your race",
          ),
        );
        rejoin.hidden = false;
      })
      .catch(() => {});
  }

  const element = h(
    "section",
    { class: "home" },
    heading("Race the keyboard."),
    rejoin,
    h(
      "p",
      { class: "lead" },
      "Type the same text as the other players, live, and watch everyone's progress bar fill up. The first one to the end wins.",
    ),
    form,
    accounts,
  );
  return { element, title: "Typephoon", focus: user ? findRace : nameInput };
}
