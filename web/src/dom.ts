/**
 * A few lines instead of a framework: `h()` builds elements, screens keep references to the parts
 * they update. Text always goes in as text nodes, never as HTML.
 */

type Attributes = Record<string, string | number | boolean | undefined | EventListener>;
export type Child = Node | string | number | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Shows `dialog` as a modal until the player picks one of `choices` (Escape picks `dismissed`),
 * then removes it and resolves to the choice.
 */
export function ask<T>(
  dialog: HTMLDialogElement,
  choices: Array<[HTMLElement, T]>,
  dismissed: T,
  focus: HTMLElement,
): Promise<T> {
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (choice: T) => {
      dialog.close();
      dialog.remove();
      resolve(choice);
    };
    for (const [element, choice] of choices) element.addEventListener("click", () => close(choice));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(dismissed);
    });
    dialog.showModal();
    focus.focus();
  });
}
