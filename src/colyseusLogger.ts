import { format } from "node:util";
import type { Logger } from "./log.ts";

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
