/**
 * Per-client flood protection for room messages: a token bucket that refills at `ratePerSecond`
 * and holds at most `burst` tokens; each message takes one.
 *
 * - `ok`: a token was taken; handle the message.
 * - `limited`: no token; the room answers RATE_LIMITED and drops the message.
 * - `disconnect`: no token, and the client has been limited for more than `disconnectAfterMs`
 *   without its bucket ever filling up again: it is flooding, not lagging, so the room drops it.
 *
 * A flooder still gets an occasional `ok` as single tokens trickle back, so an `ok` alone does not
 * end a limited spell; only a full bucket does. A client who bursts (say, keys queued during a lag
 * spike) and then types at a human pace refills the bucket and starts afresh.
 */

export const FLOOD_RATE_PER_SECOND = 30;
export const FLOOD_BURST = 60;
export const FLOOD_DISCONNECT_AFTER_MS = 1000;

export type FloodVerdict = "ok" | "limited" | "disconnect";

export interface FloodGuard {
  /** Accounts for one message received at `nowMs` (any monotonic clock, in milliseconds). */
  take(nowMs: number): FloodVerdict;
}

export interface FloodGuardOptions {
  ratePerSecond?: number;
  burst?: number;
  disconnectAfterMs?: number;
}

export function createFloodGuard(opts: FloodGuardOptions = {}): FloodGuard {
  const {
    ratePerSecond = FLOOD_RATE_PER_SECOND,
    burst = FLOOD_BURST,
    disconnectAfterMs = FLOOD_DISCONNECT_AFTER_MS,
  } = opts;
  if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be positive, got ${ratePerSecond}`);
  if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
  if (!(disconnectAfterMs >= 0)) {
    throw new RangeError(`disconnectAfterMs must not be negative, got ${disconnectAfterMs}`);
  }
  const tokensPerMs = ratePerSecond / 1000;

  let tokens = burst;
  // -Infinity: the first message finds the bucket full.
  let lastMs = Number.NEGATIVE_INFINITY;
  // When the current limited spell began; null while the client is in good standing.
  let limitedSinceMs: number | null = null;

  return {
    take(nowMs: number): FloodVerdict {
      // Time here never runs backwards: a clock that steps back refills nothing and, since the
      // spell is timed on the latest time seen, cannot make a limited spell look longer.
      if (nowMs > lastMs) {
        tokens = Math.min(burst, tokens + (nowMs - lastMs) * tokensPerMs);
        lastMs = nowMs;
      }
      if (tokens === burst) limitedSinceMs = null;
      if (tokens >= 1) {
        tokens -= 1;
        return "ok";
      }
      limitedSinceMs ??= lastMs;
      return lastMs - limitedSinceMs > disconnectAfterMs ? "disconnect" : "limited";
    },
  };
}
