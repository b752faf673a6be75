import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./config.ts";

export type { Logger };

/** JSON logs, one object per line; human-readable colours when a person is watching a terminal. */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  const options = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  const isTerminal = "isTTY" in destination && destination.isTTY === true;
  return isTerminal
    ? pino(options, pretty({ colorize: true, destination, sync: true }))
    : pino(options, destination as pino.DestinationStream);
}
