/**
 * Which tab plays which race. The server keeps one connection per player (a newer one replaces the
 * older, closing it with REPLACED); a race opened in a second tab asks the others first, so that it
 * can offer "Play here" instead of taking the race away silently. Tabs of one browser ask each other
 * over a BroadcastChannel; a tab that does not answer quickly plays nothing.
 */

const ANSWER_WITHIN_MS = 250;

interface TabMessage {
  /** a tab asks: who plays this race? */
  asks?: string;
  /** a tab answers: I play this race */
  plays?: string;
}

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("typephoon.tabs") : undefined;
let playing: string | undefined;

channel?.addEventListener("message", (event: MessageEvent<TabMessage>) => {
  if (playing !== undefined && event.data?.asks === playing) {
    channel.postMessage({ plays: playing } satisfies TabMessage);
  }
});

/** This tab plays `gameId` now (undefined: no race). */
export function playHere(gameId: string | undefined): void {
  playing = gameId;
}

/** Whether another tab of this browser plays `gameId`. */
export function anotherTabPlays(gameId: string): Promise<boolean> {
  if (!channel) return Promise.resolve(false);
  return new Promise((resolve) => {
    const answered = (event: MessageEvent<TabMessage>) => {
      if (event.data?.plays === gameId) settle(true);
    };
    const timer = window.setTimeout(() => settle(false), ANSWER_WITHIN_MS);
    const settle = (found: boolean) => {
      window.clearTimeout(timer);
      channel.removeEventListener("message", answered);
      resolve(found);
    };
    channel.addEventListener("message", answered);
    channel.postMessage({ asks: gameId } satisfies TabMessage);
  });
}
