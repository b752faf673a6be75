import { format } from "node:util";
import { ServerError } from "@colyseus/core";
import type { Logger } from "../log.ts";

/** Colyseus logs console-style (several arguments); this keeps every argument in our JSON logs. */
export function colyseusLogger(log: Logger) {
  const colyseus = log.child({ component: "colyseus" });
  return {
    trace: (...args: unknown[]) => colyseus.trace(format(...args)),
    debug: (...args: unknown[]) => colyseus.debug(format(...args)),
    info: (...args: unknown[]) => colyseus.info(format(...args)),
    warn: (...args: unknown[]) => colyseus.warn(format(...args)),
    error: (...args: unknown[]) => colyseus.error(format(...args)),
  };
}

/** At most this many refused joins are logged a second in a process; the rest are counted. */
const REFUSALS_LOGGED_PER_SECOND = 5;
const refusals = { second: 0, logged: 0, dropped: 0 };

/**
 * What a room's onUncaughtException says. Upstream: Colyseus hands a room every error thrown in its
 * lifecycle methods wrapped in an exception naming the method (OnJoinException, …), a join the room
 * refused (a ServerError with one of Typephoon's 44xx close codes) included. A refusal is the
 * client's doing, not a fault: one line at info without a stack, and never a flood of them.
 */
export function logRoomFailure(log: Logger, error: Error, methodName: string): void {
  const cause = error.cause ?? error;
  if (!(cause instanceof ServerError) || cause.code < 4000 || cause.code >= 5000) {
    log.error({ err: error, methodName }, "uncaught error in the room");
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  if (now !== refusals.second) {
    if (refusals.dropped > 0)
      log.info({ refusals: refusals.dropped }, "more joins refused (not logged one by one)");
    Object.assign(refusals, { second: now, logged: 0, dropped: 0 });
  }
  if (refusals.logged++ < REFUSALS_LOGGED_PER_SECOND) {
    log.info({ code: cause.code, reason: cause.message }, "join refused");
  } else refusals.dropped++;
}
