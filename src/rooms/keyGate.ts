/**
 * What a key message goes through before it reaches the race: the key's own form, and the
 * client's flood guard for each key (with a RATE_LIMITED notice now and then, and a close for a
 * client that keeps flooding). Transport, not rules: the race never sees what this refuses.
 */
import type { Client } from "@colyseus/core";
import { createFloodGuard, type FloodGuard } from "../game/floodGuard.ts";
import { BACKSPACE, type Key, parseKey } from "../game/keys.ts";
import type { GameMetrics } from "../metrics.ts";
import {
  KEYS_BACKSPACE,
  type KeyMessage,
  MAX_KEYS_PER_MESSAGE,
  RoomCloseCode,
  RoomErrorCode,
} from "../protocol.ts";
import { rejectMessage } from "./roomErrors.ts";

/** A flooding client hears RATE_LIMITED at most this often, not once per dropped key. */
const RATE_LIMITED_NOTICE_MS = 250;

export interface KeyGate {
  flood: FloodGuard;
  rateLimitedNoticeAt: number;
}

export const newKeyGate = (): KeyGate => ({ flood: createFloodGuard(), rateLimitedNoticeAt: 0 });

/** Whether one more key may pass now; if not, the client is told (or closed, when flooding). */
function floodAllows(gate: KeyGate, client: Client, now: number, metrics: GameMetrics): boolean {
  const verdict = gate.flood.take(now);
  if (verdict === "disconnect") {
    client.leave(RoomCloseCode.FLOODING, "too many messages");
    return false;
  }
  if (verdict === "limited") {
    if (now - gate.rateLimitedNoticeAt >= RATE_LIMITED_NOTICE_MS) {
      gate.rateLimitedNoticeAt = now;
      rejectMessage(metrics, client, RoomErrorCode.RATE_LIMITED, "slow down: too many keys per second");
    }
    return false;
  }
  return true;
}

/**
 * The keys of a `KEYS` message that may be typed now: none when one of them is not a key (the
 * message is refused whole, and answered), the first ones only when the flood guard stops the rest.
 */
export function keysOf(
  gate: KeyGate,
  client: Client,
  payload: unknown,
  now: number,
  metrics: GameMetrics,
): Key[] {
  const keys: Key[] = [];
  if (typeof payload !== "string" || payload.length === 0 || payload.length > MAX_KEYS_PER_MESSAGE) {
    refuseKeys(client, metrics);
    return keys;
  }
  for (let i = 0; i < payload.length; i++) {
    const unit = payload[i]!;
    const key = unit === KEYS_BACKSPACE ? BACKSPACE : parseKey(unit);
    if (key === null) {
      refuseKeys(client, metrics);
      keys.length = 0;
      return keys;
    }
    keys.push(key);
  }
  for (let i = 0; i < keys.length; i++) {
    if (!floodAllows(gate, client, now, metrics)) {
      keys.length = i;
      break;
    }
  }
  return keys;
}

const refuseKeys = (client: Client, metrics: GameMetrics) =>
  rejectMessage(
    metrics,
    client,
    RoomErrorCode.INVALID_KEY,
    `expected 1 to ${MAX_KEYS_PER_MESSAGE} keys, each one printable character, " " or "\\b" (Backspace)`,
  );

/** The key `payload` of a `KEY` message carries, or null when the message was refused (and answered). */
export function keyOf(
  gate: KeyGate,
  client: Client,
  payload: unknown,
  now: number,
  metrics: GameMetrics,
): Key | null {
  if (!floodAllows(gate, client, now, metrics)) return null;
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
