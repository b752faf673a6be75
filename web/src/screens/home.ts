/**
 * Home: play as a guest (a name is optional), sign in with a provider when the server offers any;
 * the race length (remembered); "Find race", "Race friends" (a private room and its link),
 * "Practice" (a private room started at once) and "Watch"; "Rejoin your race" first when the
 * player left a race still on (a closed tab).
 */
import type { GameResponse } from "../../../src/api/contracts/games.ts";
import { RACE_LENGTHS, type RaceLength } from "../../../src/protocol.ts";
import { api, Unreachable } from "../api.ts";
import { type App, heading, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { chosenLength, raceStillOn, rememberLength, rememberRaceOn, shownLength } from "../memory.ts";
import { JoinFailure } from "../rooms.ts";
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
  const raceFriends = h("button", { type: "button", id: "race-friends" }, "Race friends");
  const practice = h("button", { type: "button", id: "practice" }, "Practice");
  const watch = h("a", { class: "button", id: "watch", href: hashOf({ screen: "watch" }) }, "Watch");
  const chosen = shownLength();
  const lengths = h(
    "fieldset",
    { class: "lengths", id: "race-length" },
    h("legend", {}, "Race length"),
    ...RACE_LENGTHS.map((length) =>
      h(
        "label",
        {},
        h("input", {
          type: "radio",
          name: "words",
          value: length,
          checked: length === chosen,
          onchange: () => rememberLength(length),
        }),
        ` ${length} words`,
      ),
    ),
  );
  const buttons = [findRace, raceFriends, practice];

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
    lengths,
    findRace,
    h("div", { class: "more-ways" }, raceFriends, practice, watch),
    error,
  );

  /** Plays as the name given (a guest) unless someone plays already, then does `then`. */
  const play = async (then: (words: RaceLength | undefined) => Promise<void> | void) => {
    error.textContent = "";
    for (const button of buttons) button.disabled = true;
    try {
      if (!app.sessions.user) await app.sessions.playAsGuest(nameInput.value);
      await then(chosenLength());
    } catch (failure) {
      if (failure instanceof Unreachable) return app.unreachable();
      if (failure instanceof JoinFailure && failure.kind === "unreachable") return app.unreachable();
      const { code, message } = failure as { code?: string; message: string };
      error.textContent = failure instanceof JoinFailure ? message : apiErrorText(code, message);
      for (const button of buttons) button.disabled = false;
      (app.sessions.user ? findRace : nameInput).focus();
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    play(() => app.navigate({ screen: "lobby" }));
  });
  raceFriends.addEventListener("click", () =>
    play(async (words) => {
      const room = await app.party.create(words === undefined ? {} : { words });
      app.navigate({ screen: "room", code: room.roomId });
    }),
  );
  // Practice is a private room of one, started at once: its game_start shows the race.
  practice.addEventListener("click", () =>
    play(async (words) => {
      await app.party.create(words === undefined ? {} : { words });
      app.party.start();
    }),
  );

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
      "Type the same text as the other players, live, and watch their carets move through it. The first one to the end wins. Race strangers, race friends by link, practice alone, or watch.",
    ),
    form,
    accounts,
  );
  return { element, title: "Typephoon", focus: user ? findRace : nameInput };
}
