/**
 * What a key message goes through before it reaches the race: the client's flood guard (with a
 * RATE_LIMITED notice now and then, and a close for a client that keeps flooding), then the key's
 * own form. Transport, not rules: the race never sees what this refuses.
 */
import type { Client } from "@colyseus/core";
import { createFloodGuard, type FloodGuard } from "../game/floodGuard.ts";
import { type Key, parseKey } from "../game/keys.ts";
import type { GameMetrics } from "../metrics.ts";
import { type KeyMessage, RoomCloseCode, RoomErrorCode } from "../protocol.ts";
import { rejectMessage } from "./roomErrors.ts";

/** A flooding client hears RATE_LIMITED at most this often, not once per dropped key. */
const RATE_LIMITED_NOTICE_MS = 250;

export interface KeyGate {
  flood: FloodGuard;
  rateLimitedNoticeAt: number;
}

export const newKeyGate = (): KeyGate => ({ flood: createFloodGuard(), rateLimitedNoticeAt: 0 });

/** The key `payload` carries, or null when the message was refused (and answered). */
export function keyOf(
  gate: KeyGate,
  client: Client,
  payload: unknown,
  now: number,
  metrics: GameMetrics,
): Key | null {
  const verdict = gate.flood.take(now);
  if (verdict === "disconnect") {
    client.leave(RoomCloseCode.FLOODING, "too many messages");
    return null;
  }
  if (verdict === "limited") {
    if (now - gate.rateLimitedNoticeAt >= RATE_LIMITED_NOTICE_MS) {
      gate.rateLimitedNoticeAt = now;
      rejectMessage(metrics, client, RoomErrorCode.RATE_LIMITED, "slow down: too many keys per second");
    }
    return null;
  }
  const key = parseKey(
    typeof payload === "object" && payload !== null
      ? (payload as Partial<Record<keyof KeyMessage, unknown>>).key
      : undefined,
  );
  if (key === null) {
    rejectMessage(
      metrics,
      client,
      RoomErrorCode.INVALID_KEY,
      'expected { key } with one printable character, " " or "Backspace"',
    );
  }
  return key;
}
