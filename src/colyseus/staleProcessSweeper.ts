import { matchMaker } from "@colyseus/core";
import type { Logger } from "../log.ts";

/** How often a process looks for dead peers; with Colyseus's 2 s IPC timeout, rooms vanish within ~12 s. */
const SWEEP_EVERY_MS = 10_000;

/**
 * When processes share Redis, one killed without a shutdown leaves its rooms listed, so players
 * would be matched into lobbies nobody hosts. Colyseus checks its peers only when it starts and when
 * a seat reservation fails; every process here also checks them periodically: a peer whose process
 * channel is gone and who does not answer is excluded, and its rooms removed from the listing.
 */
export function startStaleProcessSweeper(log: Logger, everyMs = SWEEP_EVERY_MS): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await matchMaker.healthCheckAllProcesses();
    } catch (error) {
      log.warn({ err: error }, "could not check the other processes");
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
