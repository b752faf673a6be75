/** What a race keeps of one player's race: written the moment they finish, or when the race ends. */
export interface RaceResult {
  gameId: string;
  userId: string;
  /** finishing place; null: did not finish */
  rank: number | null;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  /** null: did not finish */
  finishedAt: Date | null;
  wordCount: number;
  /** ms from the start of typing to the finishing keystroke (to the race's end for a DNF) */
  durationMs: number;
  /** the fair-play check's suspicion (src/game/fairPlay.ts) */
  flagged: boolean;
  /** the stored keystroke log (src/game/keystrokeLog.ts) */
  keystrokes: Uint8Array;
}
