import { decodeKeystrokeLog } from "./keystrokeLog.ts";
import { applyKey, newTypist, type Typist } from "./typingEngine.ts";

/** Where a player ended up: their stored keystroke log replayed through the typing rules. */
export function replayKeystrokes(words: readonly string[], log: Uint8Array): Typist {
  const typist = newTypist();
  for (const { key } of decodeKeystrokeLog(log)) applyKey(words, typist, key);
  return typist;
}
