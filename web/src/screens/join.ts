/**
 * An invite link, `#/join/<code>`: a newcomer plays as a guest first (a name is picked for them),
 * then enters the room. A code that names no room, or a full room, says so, with the way home.
 */
import { isInviteCode } from "../../../src/game/party.ts";
import { Unreachable } from "../api.ts";
import { type App, heading, link, type Screen } from "../app.ts";
import { fill, h } from "../dom.ts";
import { JoinFailure } from "../rooms.ts";
import { apiErrorText } from "../words.ts";

export function joinScreen(app: App, asked: string): Screen {
  const code = asked.toUpperCase();
  const status = h("p", { class: "room-status", role: "status" }, "Joining your friends…");
  const element = h("section", { class: "room" }, heading("Race friends"), status);

  const noRoom = () =>
    fill(
      status,
      "No room with this code. ",
      link({ screen: "home" }, "Go home"),
      " to find a race or make a room of your own.",
    );

  (async () => {
    if (!isInviteCode(code)) return noRoom();
    try {
      if (!app.sessions.user) await app.sessions.playAsGuest("");
    } catch (error) {
      if (error instanceof Unreachable) return app.unreachable();
      const { code: errorCode, message } = error as { code?: string; message: string };
      fill(status, apiErrorText(errorCode, message), " ", link({ screen: "home" }, "Go home"));
      return;
    }
    try {
      await app.party.join(code);
    } catch (error) {
      if (error instanceof JoinFailure && error.kind === "unreachable") return app.unreachable();
      if (error instanceof JoinFailure && error.kind === "gone") return noRoom();
      fill(status, (error as Error).message, " ", link({ screen: "home" }, "Go home"));
      return;
    }
    app.navigate({ screen: "room", code }, { replace: true });
  })();

  return { element, title: "Race friends" };
}
