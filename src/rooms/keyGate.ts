/**
 * What a key message goes through before it reaches the race: the client's flood guard (with a
 * RATE_LIMITED notice now and then, and a close for a client that keeps flooding), then the key's
 * own form. Transport, not rules: the race never sees what this refuses. After the race judged the
 * key, its refusals reach the client as the error codes clients know.
 */
import type { Client } from "@colyseus/core";
import { createFloodGuard, type FloodGuard } from "../game/floodGuard.ts";
import { type Key, parseKey } from "../game/keys.ts";
import type { KeyVerdict } from "../game/race/race.ts";
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

/** The race's refusals of a key, in the clients' words. */
const KEY_REFUSALS = {
  NOT_STARTED: "the race has not started yet",
  RACE_OVER: "the race is over",
  ALREADY_FINISHED: "you have already finished this race",
} as const;

/**
 * Whether the race refused the key (nothing changed); the client hears why, unless it is no racer
 * (only a racer's connection holds a seat: there is nobody to tell).
 */
export function refusedKey(verdict: KeyVerdict, client: Client, metrics: GameMetrics): boolean {
  if (verdict === "NOT_STARTED" || verdict === "RACE_OVER" || verdict === "ALREADY_FINISHED") {
    rejectMessage(metrics, client, RoomErrorCode[verdict], KEY_REFUSALS[verdict]);
    return true;
  }
  return verdict === "NOT_A_RACER";
}
