/**
 * `#/account`, a registered account's page: rename (the display-name rule is the server's), see the
 * providers it signs in with, and delete the account with all its races after typing "delete".
 */
import type { AccountResponse } from "../../../src/api/contracts/auth.ts";
import type { FieldIssue } from "../../../src/api/contracts/common.ts";
import { ApiErrorCode } from "../../../src/protocol.ts";
import { Unreachable } from "../api.ts";
import { type App, heading, type Screen } from "../app.ts";
import { ask, fill, h } from "../dom.ts";
import { apiErrorText } from "../words.ts";

const NAME_MAX = 24;
const CONFIRMATION = "delete";

export function accountScreen(app: App): Screen {
  const user = app.sessions.user!;
  const nameInput = h("input", {
    id: "account-name",
    name: "name",
    maxlength: NAME_MAX,
    autocomplete: "nickname",
    value: user.name,
    "aria-describedby": "rename-error",
  });
  const save = h("button", { type: "submit", class: "primary", id: "rename" }, "Save");
  const renameError = h("p", { class: "form-error", id: "rename-error", role: "alert" });
  const renamed = h("p", { class: "hint", id: "rename-done", role: "status" });
  const rename = h(
    "form",
    { class: "rename", novalidate: true },
    h(
      "div",
      { class: "field" },
      h("label", { for: "account-name" }, "Name"),
      h("div", { class: "inline" }, nameInput, save),
    ),
    renameError,
    renamed,
  );
  const providers = h(
    "ul",
    { class: "linked", id: "account-providers" },
    h("li", { class: "muted" }, "Loading…"),
  );
  const remove = h("button", { type: "button", class: "danger", id: "delete-account" }, "Delete account…");

  const element = h(
    "section",
    { class: "account" },
    heading("Your account"),
    rename,
    h("h2", {}, "Signed in with"),
    providers,
    h("h2", {}, "Delete your account"),
    h(
      "p",
      {},
      "This deletes your account and everything in it: your races, your personal bests, your places on the leaderboards. It cannot be undone.",
    ),
    remove,
  );

  let disposed = false;
  const failed = (error: unknown) => {
    if (!disposed && error instanceof Unreachable) app.unreachable();
  };

  app.sessions
    .request<AccountResponse>("/api/v1/auth/account", { caller: "required" })
    .then((answer) => {
      if (disposed) return;
      if (!answer.ok) {
        fill(
          providers,
          h("li", { class: "form-error" }, apiErrorText(answer.error?.code, answer.error?.message)),
        );
        return;
      }
      fill(
        providers,
        ...answer.data.identities.map((identity) =>
          h(
            "li",
            {},
            h("strong", {}, identity.providerName),
            h(
              "span",
              { class: "muted" },
              ` — since ${day(identity.linkedAt)}, last sign-in ${day(identity.lastSignInAt)}`,
            ),
          ),
        ),
      );
    })
    .catch(failed);

  rename.addEventListener("submit", async (event) => {
    event.preventDefault();
    renameError.textContent = "";
    renamed.textContent = "";
    save.disabled = true;
    try {
      const answer = await app.sessions.rename(nameInput.value);
      if (answer.ok) {
        nameInput.value = answer.data.user.name;
        renamed.textContent = "Saved.";
      } else renameError.textContent = renameProblem(answer.error);
    } catch (error) {
      failed(error);
    } finally {
      save.disabled = false;
    }
  });

  remove.addEventListener("click", async () => {
    if (!(await confirmDeletion(user.name))) return;
    try {
      const answer = await app.sessions.deleteAccount();
      if (answer.ok)
        app.navigate(
          { screen: "home" },
          { notice: "Your account and its races were deleted.", tone: "info" },
        );
      else app.notice(apiErrorText(answer.error?.code, answer.error?.message));
    } catch (error) {
      failed(error);
    }
  });

  return {
    element,
    title: "Your account",
    dispose() {
      disposed = true;
    },
  };
}

/** The server's reason, said of the name: "Name must not be empty." */
function renameProblem(error: { code: string; message: string; details?: unknown } | undefined): string {
  if (error?.code === ApiErrorCode.VALIDATION_ERROR) {
    const [issue] = (error.details ?? []) as FieldIssue[];
    if (issue) return `Name ${issue.message}.`;
  }
  return apiErrorText(error?.code, error?.message);
}

/** Asks to type "delete"; resolves true once the player confirms. */
function confirmDeletion(name: string): Promise<boolean> {
  const input = h("input", { id: "delete-confirm", autocomplete: "off", spellcheck: "false" });
  const confirm = h(
    "button",
    { type: "button", class: "danger", id: "delete-confirmed", disabled: true },
    "Delete for good",
  );
  const cancel = h("button", { type: "button", id: "delete-cancel" }, "Cancel");
  const dialog = h(
    "dialog",
    { id: "delete-dialog", "aria-labelledby": "delete-title" },
    h("h2", { id: "delete-title" }, "Delete your account?"),
    h("p", {}, `${name}, with all its races, personal bests and leaderboard places, is deleted for good.`),
    h(
      "div",
      { class: "field" },
      h("label", { for: "delete-confirm" }, `Type ${CONFIRMATION} to confirm`),
      input,
    ),
    h("div", { class: "actions" }, confirm, cancel),
  );
  input.addEventListener("input", () => {
    confirm.disabled = input.value.trim().toLowerCase() !== CONFIRMATION;
  });
  return ask(
    dialog,
    [
      [confirm, true],
      [cancel, false],
    ],
    false,
    input,
  );
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
